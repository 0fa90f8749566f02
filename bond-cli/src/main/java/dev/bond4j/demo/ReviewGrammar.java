package dev.bond4j.demo;

import java.util.List;

/**
 * Recognises the sentences of {@link ReviewCorpus}'s grammar: {@code clause [joiner clause]},
 * where {@code clause = subject verb [adverb] adjective}. The demo's reward uses it so that a
 * policy cannot win by stringing positive words together.
 */
final class ReviewGrammar {
  private ReviewGrammar() {}

  /** Whether {@code words} form one sentence of the grammar. */
  static boolean parses(List<String> words) {
    int end = clause(words, 0);
    if (end == words.size()) {
      return true;
    }
    if (end < 0 || end >= words.size() || !ReviewCorpus.JOINERS.contains(words.get(end))) {
      return false;
    }
    return clause(words, end + 1) == words.size();
  }

  /** The index after a clause starting at {@code from}, or -1 when none starts there. */
  private static int clause(List<String> words, int from) {
    int i = from;
    if (i + 1 >= words.size()
        || !ReviewCorpus.SUBJECTS.contains(words.get(i) + " " + words.get(i + 1))) {
      return -1;
    }
    i += 2;
    if (i >= words.size() || !ReviewCorpus.VERBS.contains(words.get(i))) {
      return -1;
    }
    i++;
    if (i < words.size() && ReviewCorpus.ADVERBS.contains(words.get(i))) {
      i++;
    }
    if (i >= words.size() || !ReviewCorpus.ADJECTIVES.contains(words.get(i))) {
      return -1;
    }
    return i + 1;
  }
}

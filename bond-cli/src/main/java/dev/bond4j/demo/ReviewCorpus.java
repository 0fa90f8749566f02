package dev.bond4j.demo;

import dev.bond4j.value.Prompt;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The demo's synthetic corpus: short reviews from a small grammar that mixes positive, negative
 * and neutral words, for example {@code the soup was rather bland but the staff were lovely}.
 * Sentiment is spread evenly, so a model trained on it is a neutral reference that Best-of-N
 * (and BOND) can push towards positive reviews.
 */
public final class ReviewCorpus {
  static final List<String> SUBJECTS = List.of("the soup", "the service", "the film",
      "the room", "the staff", "the music", "the bread", "the view");
  static final List<String> VERBS = List.of("was", "seemed", "felt");
  static final List<String> ADVERBS = List.of("very", "rather", "quite", "truly");
  static final List<String> ADJECTIVES = List.of("lovely", "great", "superb", "warm", "fine",
      "plain", "okay", "bland", "cold", "awful", "dull", "rude");
  static final List<String> JOINERS = List.of("and", "but");

  private ReviewCorpus() {}

  /** Every word the grammar uses, in a fixed order. */
  public static List<String> vocabulary() {
    Set<String> words = new LinkedHashSet<>();
    for (String subject : SUBJECTS) {
      words.addAll(List.of(subject.split(" ")));
    }
    words.addAll(VERBS);
    words.addAll(ADVERBS);
    words.addAll(ADJECTIVES);
    words.addAll(JOINERS);
    return List.copyOf(words);
  }

  /** The tokenizer of the demo. */
  public static WordTokenizer tokenizer() {
    return new WordTokenizer(vocabulary());
  }

  /** {@code count} reviews drawn from the grammar with {@code seed}. */
  public static List<String> sentences(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder s = new StringBuilder(clause(random));
      if (random.nextInt(2) == 0) {
        s.append(' ').append(pick(JOINERS, random)).append(' ').append(clause(random));
      }
      out.add(s.toString());
    }
    return out;
  }

  private static String clause(SplittableRandom random) {
    StringBuilder s = new StringBuilder(pick(SUBJECTS, random)).append(' ')
        .append(pick(VERBS, random));
    if (random.nextInt(2) == 0) {
      s.append(' ').append(pick(ADVERBS, random));
    }
    return s.append(' ').append(pick(ADJECTIVES, random)).toString();
  }

  private static String pick(List<String> words, SplittableRandom random) {
    return words.get(random.nextInt(words.size()));
  }

  /** The demo's prompts: each subject followed by each verb, e.g. {@code the soup was}. */
  public static List<Prompt> prompts(WordTokenizer tokenizer) {
    List<Prompt> prompts = new ArrayList<>();
    for (String subject : SUBJECTS) {
      for (String verb : VERBS) {
        String text = subject + " " + verb;
        prompts.add(Prompt.builder().id(text.replace(' ', '-')).tokens(tokenizer.encode(text))
            .text(text).build());
      }
    }
    return prompts;
  }
}

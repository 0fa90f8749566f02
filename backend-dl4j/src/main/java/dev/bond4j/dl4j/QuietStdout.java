package dev.bond4j.dl4j;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SameDiff 1.0.0-M2.1 prints one {@code "Added differentiated op NAME"} line to {@code System.out}
 * per operation when it builds a gradient graph. While such a build runs, stdout passes through a
 * filter that sends those lines to slf4j at debug level and every other line on unchanged, so
 * nothing of the library's reaches stdout and nothing of anyone else's is lost.
 */
final class QuietStdout {
  private static final Logger LOG = LoggerFactory.getLogger(QuietStdout.class);
  private static final String CHATTER = "Added differentiated op ";

  private QuietStdout() {}

  /** Runs {@code action} with SameDiff's gradient chatter filtered out of stdout. */
  static synchronized <T> T during(Supplier<T> action) {
    PrintStream original = System.out;
    PrintStream filter = new PrintStream(new LineFilter(original), true, Charset.defaultCharset());
    System.setOut(filter);
    try {
      return action.get();
    } finally {
      filter.flush();
      System.setOut(original);
    }
  }

  /** Passes whole lines on unless they are SameDiff's chatter. */
  private static final class LineFilter extends OutputStream {
    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineFilter(PrintStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public void flush() {
      if (line.size() > 0) {
        emit();
      }
      target.flush();
    }

    private void emit() {
      String text = line.toString(Charset.defaultCharset());
      line.reset();
      if (text.startsWith(CHATTER)) {
        LOG.debug("SameDiff: {}", text.strip());
      } else {
        target.print(text);
      }
    }
  }
}

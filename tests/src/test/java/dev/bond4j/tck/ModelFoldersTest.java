package dev.bond4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The suites' model folders exist while a model loads and are gone afterwards, even on failure. */
class ModelFoldersTest {
  @Test
  void theFolderIsDeletedAfterLoading() {
    Path[] seen = new Path[1];
    String loaded = ModelFolders.loaded("check", d -> Files.writeString(d.resolve("m.bin"), "x"),
        d -> {
          seen[0] = d;
          assertThat(d.resolve("m.bin")).exists();
          return "loaded";
        });
    assertThat(loaded).isEqualTo("loaded");
    assertThat(seen[0].getFileName().toString()).startsWith("bond4j-tck-check");
    assertThat(seen[0]).doesNotExist();
    assertThatThrownBy(() -> ModelFolders.loaded("check", d -> seen[0] = d, d -> {
      throw new IllegalStateException("load failed");
    })).hasMessage("load failed");
    assertThat(seen[0]).doesNotExist();
  }
}

package dev.bond4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bond4j.spi.BackendOptions;
import org.junit.jupiter.api.Test;

class ApplicationOptionsTest {

  @Test
  void theLibraryDefaultsLeaveTheProcessAloneAndTheCommandLineAsksForItsChoices() {
    BackendOptions library = BackendOptions.builder().threads(2).build();
    assertThat(library.trimNativeMemory()).isFalse();
    assertThat(library.filterEngineStdout()).isFalse();
    BackendOptions application = ApplicationOptions.of(library);
    assertThat(application.trimNativeMemory()).isTrue();
    assertThat(application.filterEngineStdout()).isTrue();
    assertThat(application.threads()).isEqualTo(2);
    assertThat(ApplicationOptions.DEFAULTS).isEqualTo(ApplicationOptions.of(
        BackendOptions.defaults()));
  }
}

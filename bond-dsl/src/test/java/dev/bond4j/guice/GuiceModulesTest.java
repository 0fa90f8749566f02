package dev.bond4j.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import dev.bond4j.backend.BackendRegistry;
import dev.bond4j.backend.FakeBackend;
import dev.bond4j.spi.Backend;
import dev.bond4j.spi.BackendOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuiceModulesTest {

  @Test
  void aBackendModuleSelectsTheBackendByName() {
    Injector injector = Guice.createInjector(new BondModule(),
        new BackendModule("fake", BackendOptions.builder().threads(2).build()));
    assertThat(injector.getInstance(Backend.class)).isInstanceOf(FakeBackend.class);
    assertThat(injector.getInstance(BackendOptions.class).threads()).isEqualTo(2);
  }

  @Test
  void theDefaultBackendIsDjlAndAMissingOneIsNamed() {
    Injector injector = Guice.createInjector(new BondModule());
    assertThat(injector.getInstance(BackendOptions.class)).isEqualTo(BackendOptions.defaults());
    if (BackendRegistry.discover().find("djl").isEmpty()) {
      assertThatThrownBy(() -> injector.getInstance(Backend.class))
          .isInstanceOf(ProvisionException.class).hasMessageContaining("backend = \"djl\"")
          .hasMessageContaining("one of fake");
    }
  }

  @Test
  void modulesAreCheapAndLoadNothing() {
    for (BackendModule module : List.of(new DjlModule(), new OnnxModule(),
        new Dl4jModule())) {
      Guice.createInjector(new BondModule(), module);
    }
    assertThatThrownBy(() -> Guice.createInjector(new BondModule(), new DjlModule(),
        new OnnxModule())).as("two backends at once is a configuration error")
        .hasMessageContaining("bound multiple times");
  }
}

package dev.bond4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bond4j.InvalidArgumentException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceTest {

  @Property
  void everyIndexInRangeRoundTrips(@ForAll @IntRange(min = 0, max = Device.MAX_CUDA_INDEX)
      int index) {
    Device device = Device.parse("cuda:" + index);
    assertThat(device.cudaIndex()).isEqualTo(index);
    assertThat(device.isCpu()).isFalse();
    assertThat(Device.parse(device.toString())).isEqualTo(device).isEqualTo(Device.cuda(index));
  }

  @Test
  void cpuIsTheCpu() {
    assertThat(Device.parse("cpu")).isEqualTo(Device.cpu());
    assertThat(Device.cpu().isCpu()).isTrue();
    assertThat(Device.cpu().cudaIndex()).isEqualTo(-1);
    assertThat(Device.cpu()).hasToString("cpu");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "CPU", "gpu", "tpu:0", "cuda", "cuda:", "cuda:-1", "cuda:+1",
      "cuda:1024", "cuda:99999999999", "cuda:00", "cuda:01", "cuda:1 ", " cpu", "cuda:١"})
  void everyOtherSpellingIsOneLineNamingTheValueAndWhatIsValid(String text) {
    assertThatThrownBy(() -> Device.parse(text)).isInstanceOf(InvalidArgumentException.class)
        .hasMessage("Invalid device: device = \"" + text + "\" (expected " + Device.VALID + ")");
  }

  @Test
  void nullAndOutOfRangeIndicesAreRejectedToo() {
    assertThatThrownBy(() -> Device.parse(null)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Device.cuda(Device.MAX_CUDA_INDEX + 1))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("cuda:1024");
  }

  @Test
  void anUnavailableDeviceNamesTheEngineAndTheCount() {
    assertThat(Device.cuda(3).unavailable("ND4J", 0, "(CPU build); use device \"cpu\""))
        .hasMessage("Device cuda:3 is not available: ND4J sees 0 CUDA device(s) (CPU build); use"
            + " device \"cpu\"");
    assertThat(Device.cuda(3).unavailable("ND4J", 2, "ignored"))
        .hasMessage("Device cuda:3 is not available: ND4J sees 2 CUDA device(s)");
  }
}

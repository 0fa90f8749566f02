package dev.bond4j.backend;

import dev.bond4j.Problems;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/** Services of one type found through {@link ServiceLoader} and chosen by name, then rank. */
final class NamedServices<T> {
  private final List<T> services;
  private final Function<T, String> name;
  private final ToIntFunction<T> rank;
  private final String what;

  NamedServices(List<T> services, Function<T, String> name, ToIntFunction<T> rank, String what) {
    this.services = List.copyOf(services);
    this.name = name;
    this.rank = rank;
    this.what = what;
  }

  static <T> List<T> load(Class<T> type) {
    return ServiceLoader.load(type, NamedServices.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get).collect(Collectors.toList());
  }

  List<String> names() {
    return services.stream().map(name).distinct().sorted().collect(Collectors.toList());
  }

  Optional<T> find(String wanted) {
    return services.stream().filter(s -> name.apply(s).equals(wanted))
        .max(Comparator.comparingInt(rank));
  }

  T require(String wanted) {
    Optional<T> found = find(wanted);
    Problems.require(found.isPresent(), what, wanted, names().isEmpty()
        ? "a " + what + " on the class path (none is: add the module that provides it)"
        : "one of " + String.join(", ", names()));
    return found.get();
  }
}

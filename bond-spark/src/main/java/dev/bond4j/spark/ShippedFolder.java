package dev.bond4j.spark;

import dev.bond4j.BondException;
import dev.bond4j.Problems;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The regular files of a folder (not its subfolders) as bytes, named by the SHA-256 of their names
 * and contents: how a policy folder, a reward model or a tokenizer travels from the driver to the
 * executors, so that executors need no shared file system. {@link #materialize()} writes the
 * files once per JVM under the temporary folder, in a folder named by the hash.
 */
public final class ShippedFolder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TreeMap<String, byte[]> files;
  private final String hash;

  private ShippedFolder(TreeMap<String, byte[]> files) {
    this.files = files;
    this.hash = digest(files);
  }

  /**
   * The files of {@code folder}, or the single file {@code folder} names.
   *
   * @param field the option or key that named the folder, for messages
   */
  public static ShippedFolder of(Path folder, String field) {
    Problems.require(Files.exists(folder), field, folder, "an existing folder or file");
    TreeMap<String, byte[]> files = new TreeMap<>();
    try {
      if (Files.isRegularFile(folder)) {
        files.put(folder.getFileName().toString(), Files.readAllBytes(folder));
      } else {
        try (Stream<Path> entries = Files.list(folder)) {
          for (Path file : (Iterable<Path>) entries.filter(Files::isRegularFile).sorted()::iterator) {
            files.put(file.getFileName().toString(), Files.readAllBytes(file));
          }
        }
      }
    } catch (IOException e) {
      throw new BondException("Cannot read " + field + " " + folder + ": " + e.getMessage(), e);
    }
    Problems.require(!files.isEmpty(), field, folder, "a folder holding at least one file");
    return new ShippedFolder(files);
  }

  /** The content hash: SHA-256 over the file names and bytes, in hex. */
  public String hash() {
    return hash;
  }

  /** Total bytes of the files. */
  public long bytes() {
    return files.values().stream().mapToLong(b -> b.length).sum();
  }

  /** The names of the files, sorted. */
  public Iterable<String> names() {
    return files.keySet();
  }

  /**
   * The files written to {@code <tmp>/bond4j-spark/<hash>}, once per JVM and machine: a folder of
   * that name is written to a temporary sibling first and renamed, so a reader never sees half of
   * it.
   */
  public Path materialize() {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "bond4j-spark");
    Path target = root.resolve(hash);
    if (Files.isDirectory(target)) {
      return target;
    }
    try {
      Files.createDirectories(root);
      Path temporary = Files.createTempDirectory(root, hash + ".tmp-");
      writeTo(temporary);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        OutputFolder.deleteRecursively(temporary);
      } catch (IOException e) {
        OutputFolder.deleteRecursively(temporary);
        if (!Files.isDirectory(target)) {
          throw e;
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the shipped files to " + target, e);
    }
  }

  /** Writes the files into the existing folder {@code folder}. */
  public void writeTo(Path folder) {
    try {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Files.write(folder.resolve(file.getKey()), file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the shipped files to " + folder, e);
    }
  }

  private static String digest(TreeMap<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        sha.update(file.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Long.toString(file.getValue().length).getBytes(
            java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(file.getValue());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

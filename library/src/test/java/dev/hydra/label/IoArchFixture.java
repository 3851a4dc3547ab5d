package dev.hydra.label;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Deliberately breaks the rules of {@code dev.hydra.ArchitectureTest} (I/O, environment, exit and
 * Jackson in a pure package), so that test can show its rules fail. Never called.
 */
public final class IoArchFixture {

  private IoArchFixture() {}

  static String readFile() throws IOException {
    return Files.readString(Path.of("event.json"));
  }

  static boolean oldFileApi() {
    return new File("event.json").exists();
  }

  static Process runProcess() throws IOException {
    return new ProcessBuilder("true").start();
  }

  static @Nullable InputStream resource() {
    return IoArchFixture.class.getResourceAsStream("event.json");
  }

  static @Nullable String environment() {
    return System.getenv("GITHUB_EVENT_PATH");
  }

  static void exit() {
    System.exit(1);
  }

  static Object jackson() throws IOException {
    return new ObjectMapper().readTree("{}");
  }
}

package dev.hydra.cli;

/**
 * Configures slf4j-simple. It reads its settings when the first logger is created, so this runs
 * before any command code. Logs go to stderr: stdout is reserved for command output such as route's
 * JSON.
 */
final class Logging {

  private Logging() {}

  static void configure(int verbosity) {
    String level =
        switch (verbosity) {
          case 0 -> "warn";
          case 1 -> "info";
          default -> "debug";
        };
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
  }
}

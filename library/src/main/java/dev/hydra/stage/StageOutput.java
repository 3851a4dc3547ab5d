package dev.hydra.stage;

import dev.hydra.secret.SecretMasker;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.text.Texts;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * The log sink of one stage run, behind the masker and the timestamps; one line at a time. Every
 * line but the workflow-command lines of {@link #raw} is masked for every form of every secret the
 * credentials hold and has its workflow commands neutralised ({@link WorkflowCommands#neutralise}).
 */
final class StageOutput {

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final SecretMasker masker;
  private final String stage;
  private final Clock clock;
  private final Consumer<String> log;

  /**
   * @param masker masks every secret of the run
   * @param stage the stage's id, shown before each container line
   * @param clock for the timestamps
   * @param log receives the lines, one at a time
   */
  StageOutput(SecretMasker masker, String stage, Clock clock, Consumer<String> log) {
    this.masker = masker;
    this.stage = stage;
    this.clock = clock;
    this.log = log;
  }

  SecretMasker masker() {
    return masker;
  }

  String mask(String text) {
    return masker.mask(text);
  }

  /**
   * A container line: masked, timestamped, its workflow commands neutralised; returns the masked
   * line.
   */
  String container(String line, boolean stderr) {
    // The log shows a line a reader may decode (JSON): masked after decoding when that reveals
    // a secret; the classifier gets the line masked as written, still valid JSON.
    String shown = masker.maskDecoded(line);
    emit(WorkflowCommands.neutralise(timestamp() + " " + stage + (stderr ? " ! " : " | ") + shown));
    return masker.mask(line);
  }

  /** One of Hydra's own lines, masked and neutralised too: messages can quote Docker's stderr. */
  void note(String text) {
    emit(WorkflowCommands.neutralise(timestamp() + " hydra: " + Texts.oneLine(masker.mask(text))));
  }

  /** A workflow-command line that must reach the log as it is. */
  void raw(String line) {
    emit(line);
  }

  private String timestamp() {
    return TIMESTAMP.format(clock.instant());
  }

  private void emit(String line) {
    synchronized (this) {
      log.accept(line);
    }
  }
}

package dev.hydra.stage;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.agent.StreamJsonClassifier;
import dev.hydra.verdict.VerdictReader;
import org.jspecify.annotations.Nullable;

/**
 * One container's stdout: classified after masking, and searched for the verdict line, kept as
 * written (it is masked after parsing, {@link StageVerdicts#masked}).
 */
final class StageCapture {

  private final StageOutput out;
  private final StreamJsonClassifier classifier = new StreamJsonClassifier();
  private @Nullable String verdictLine;

  StageCapture(StageOutput out) {
    this.out = out;
  }

  synchronized void stdout(String line) {
    String masked = out.container(line, false);
    classifier.accept(masked);
    // Only the last verdict line counts (VerdictReader); keeping just that bounds memory. It is
    // parsed unmasked and masked once decoded, never the other way round.
    if (line.startsWith(VerdictReader.PREFIX)) {
      verdictLine = line;
    }
  }

  void stderr(String line) {
    out.container(line, true);
  }

  synchronized AgentOutcome outcome(int exitCode) {
    return classifier.outcome(exitCode);
  }

  synchronized @Nullable String verdictLine() {
    return verdictLine;
  }
}

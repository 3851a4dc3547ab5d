package dev.hydra.gate;

import dev.hydra.secret.SecretMasker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A gate container's output as the runner keeps it: every line masked as it arrives, cut to {@link
 * #MAX_LINE} characters; the last {@link #TAIL_LINES} lines kept for the report, and the
 * gate-runner contract's {@code [gate-N]} lines (at most {@link #MAX_CONTRACT_LINES}) kept for
 * {@link RunnerContract}.
 */
public final class GateOutput implements Consumer<String> {

  /** Longest line kept. */
  public static final int MAX_LINE = 400;

  /** Lines in the report. */
  public static final int TAIL_LINES = 60;

  /** Contract lines read. */
  public static final int MAX_CONTRACT_LINES = 500;

  private final SecretMasker masker;
  private final Deque<String> tail = new ArrayDeque<>();
  private final List<String> contract = new ArrayList<>();

  /** Output masked with this masker. */
  public GateOutput(SecretMasker masker) {
    this.masker = masker;
  }

  @Override
  public synchronized void accept(String line) {
    String masked = masker.maskDecoded(masker.mask(line));
    String kept = masked.length() > MAX_LINE ? masked.substring(0, MAX_LINE) + " …(cut)" : masked;
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(kept);
    if (RunnerContract.isContractLine(kept) && contract.size() < MAX_CONTRACT_LINES) {
      contract.add(kept);
    }
  }

  /** The report: the last lines, joined. */
  public synchronized String report() {
    return String.join("\n", tail);
  }

  /** The contract lines, in order. */
  public synchronized List<String> contractLines() {
    return List.copyOf(contract);
  }
}

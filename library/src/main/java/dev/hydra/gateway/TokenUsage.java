package dev.hydra.gateway;

/**
 * Tokens one or more Messages API responses reported in their {@code usage}.
 *
 * @param input {@code input_tokens}
 * @param output {@code output_tokens}
 * @param cacheCreation {@code cache_creation_input_tokens}
 * @param cacheRead {@code cache_read_input_tokens}
 */
public record TokenUsage(long input, long output, long cacheCreation, long cacheRead) {

  /** No tokens. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0);

  /**
   * Checks the counts.
   *
   * @throws IllegalArgumentException when a count is negative
   */
  public TokenUsage {
    if (input < 0 || output < 0 || cacheCreation < 0 || cacheRead < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  /** Every token counted, which is what a stage's budget limits. */
  public long total() {
    return input + output + cacheCreation + cacheRead;
  }

  /** The sum of both. */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(
        input + other.input,
        output + other.output,
        cacheCreation + other.cacheCreation,
        cacheRead + other.cacheRead);
  }
}

package dev.hydra.model.scripted;

/**
 * What came back to the model for one of its tool calls, as the CLI sent it in the next request.
 *
 * @param step the script step (0-based) whose call this answers
 * @param call the call
 * @param content the result's text (text blocks joined by newlines)
 * @param isError whether the CLI marked it {@code is_error}: a denied permission, a failed command,
 *     a tool refusing the input
 */
public record ToolResult(int step, ToolCall call, String content, boolean isError) {

  /** For assertion messages. */
  public String describe() {
    return "step " + step + " " + call.describe() + (isError ? " → ERROR " : " → ") + content;
  }
}

package dev.hydra.model.scripted;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.json.Json;

/**
 * One tool call the scripted model makes: a Claude Code tool name and its input, as the CLI's tool
 * schemas name them ({@code file_path}, {@code old_string}, {@code command}, …).
 *
 * @param name the tool, for example {@code Read} or {@code Bash}
 * @param input its input object
 */
public record ToolCall(String name, ObjectNode input) {

  /** Copies the input. */
  public ToolCall {
    input = input.deepCopy();
  }

  /** {@code Read} of an absolute path. */
  public static ToolCall read(String path) {
    return new ToolCall("Read", object().put("file_path", path));
  }

  /** {@code Write} of a whole file. */
  public static ToolCall write(String path, String content) {
    return new ToolCall("Write", object().put("file_path", path).put("content", content));
  }

  /** {@code Edit}: one exact replacement; the CLI wants the file read first in the session. */
  public static ToolCall edit(String path, String oldText, String newText) {
    return new ToolCall(
        "Edit",
        object().put("file_path", path).put("old_string", oldText).put("new_string", newText));
  }

  /** {@code Bash}: one command line, run in the CLI's working directory. */
  public static ToolCall bash(String command) {
    return new ToolCall("Bash", object().put("command", command).put("description", command));
  }

  /** {@code Glob}: files matching a pattern. */
  public static ToolCall glob(String pattern) {
    return new ToolCall("Glob", object().put("pattern", pattern));
  }

  /** A short description for assertion messages. */
  public String describe() {
    return name + " " + input;
  }

  private static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }
}

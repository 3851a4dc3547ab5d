package dev.hydra.model.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Messages API's answer shapes, as the real API sends them: one message as JSON, or the same
 * message as server-sent events ({@code message_start}, per content block {@code
 * content_block_start}, one {@code content_block_delta} — {@code text_delta} or {@code
 * input_json_delta} — and {@code content_block_stop}, then {@code message_delta} with the stop
 * reason and the output usage, and {@code message_stop}). Pure.
 */
final class MessagesWire {

  /** The input tokens every answer reports, so that usage is never zero. */
  static final int INPUT_TOKENS = 100;

  /** The output tokens every answer reports. */
  static final int OUTPUT_TOKENS = 20;

  private static final Pattern TOOL_ID = Pattern.compile("toolu_(\\d{2,})_\\d+");

  private MessagesWire() {}

  /** The content blocks of a step; tool ids are {@code toolu_<step>_<index>}. */
  static List<ObjectNode> blocks(Step step, int index) {
    List<ObjectNode> out = new ArrayList<>();
    if (step instanceof Step.Answer answer) {
      out.add(object().put("type", "text").put("text", answer.text()));
    } else if (step instanceof Step.Tools tools) {
      for (int i = 0; i < tools.calls().size(); i++) {
        ToolCall call = tools.calls().get(i);
        ObjectNode block =
            object().put("type", "tool_use").put("id", toolId(index, i)).put("name", call.name());
        block.set("input", call.input());
        out.add(block);
      }
    }
    return out;
  }

  static String toolId(int step, int call) {
    return String.format("toolu_%02d_%d", step, call);
  }

  /** The step a tool id of {@link #toolId} names, if it is one. */
  static OptionalInt stepOf(String toolId) {
    Matcher m = TOOL_ID.matcher(toolId);
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  static String stopReason(Step step) {
    return step instanceof Step.Tools ? "tool_use" : "end_turn";
  }

  /** The whole message, for a request without {@code "stream": true}. */
  static String message(String model, Step step, int index) {
    ObjectNode m = messageStart(model, index);
    ArrayNode content = m.putArray("content");
    blocks(step, index).forEach(content::add);
    m.put("stop_reason", stopReason(step));
    m.putObject("usage").put("input_tokens", INPUT_TOKENS).put("output_tokens", OUTPUT_TOKENS);
    return m.toString();
  }

  /** The same message as the event stream the CLI asks for. */
  static String events(String model, Step step, int index) {
    StringBuilder out = new StringBuilder();
    ObjectNode start = object().put("type", "message_start");
    start.set("message", messageStart(model, index));
    event(out, "message_start", start);
    List<ObjectNode> blocks = blocks(step, index);
    for (int i = 0; i < blocks.size(); i++) {
      ObjectNode block = blocks.get(i);
      ObjectNode empty = block.deepCopy();
      ObjectNode delta = object();
      if (block.path("type").asText().equals("tool_use")) {
        empty.putObject("input");
        delta.put("type", "input_json_delta").put("partial_json", block.get("input").toString());
      } else {
        empty.put("text", "");
        delta.put("type", "text_delta").put("text", block.path("text").asText());
      }
      ObjectNode blockStart = object().put("type", "content_block_start").put("index", i);
      blockStart.set("content_block", empty);
      event(out, "content_block_start", blockStart);
      ObjectNode blockDelta = object().put("type", "content_block_delta").put("index", i);
      blockDelta.set("delta", delta);
      event(out, "content_block_delta", blockDelta);
      event(out, "content_block_stop", object().put("type", "content_block_stop").put("index", i));
    }
    ObjectNode messageDelta = object().put("type", "message_delta");
    messageDelta.putObject("delta").put("stop_reason", stopReason(step)).putNull("stop_sequence");
    messageDelta.putObject("usage").put("output_tokens", OUTPUT_TOKENS);
    event(out, "message_delta", messageDelta);
    event(out, "message_stop", object().put("type", "message_stop"));
    return out.toString();
  }

  /** {@code {"type":"error","error":{"type":…,"message":…}}}. */
  static String error(String type, String message) {
    ObjectNode root = object().put("type", "error");
    root.putObject("error").put("type", type).put("message", message);
    return root.toString();
  }

  /** The answer to {@code /v1/messages/count_tokens}. */
  static String tokenCount() {
    return object().put("input_tokens", INPUT_TOKENS).toString();
  }

  /** The text of a tool result's content: a string, or its text blocks joined by newlines. */
  static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    List<String> parts = new ArrayList<>();
    content.forEach(
        block -> {
          if (block.path("type").asText().equals("text")) {
            parts.add(block.path("text").asText());
          }
        });
    return String.join("\n", parts);
  }

  private static ObjectNode messageStart(String model, int index) {
    ObjectNode m = object();
    m.put("id", "msg_scripted_" + (index < 0 ? "side" : Integer.toString(index)))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", model);
    m.putArray("content");
    m.putNull("stop_reason");
    m.putNull("stop_sequence");
    m.putObject("usage").put("input_tokens", INPUT_TOKENS).put("output_tokens", 1);
    return m;
  }

  private static void event(StringBuilder out, String name, JsonNode data) {
    out.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
  }

  private static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }
}

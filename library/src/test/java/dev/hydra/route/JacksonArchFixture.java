package dev.hydra.route;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.hydra.json.Json;
import java.io.IOException;

/**
 * Deliberately configures Jackson outside {@code dev.hydra.json}, so that {@code
 * dev.hydra.ArchitectureTest} can show its rule fails. Never called.
 */
public final class JacksonArchFixture {

  private JacksonArchFixture() {}

  static Object newMapper() throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree("{}");
  }

  static Object standardJson() throws IOException {
    return JSON.std.anyFrom("{}");
  }

  static void reconfigure() {
    Json.mapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  }

  static Object build() {
    return JsonMapper.builder().build();
  }

  /** Allowed: using the facade's instance. */
  static Object allowed() throws IOException {
    return Json.mapper().readTree("{}");
  }
}

package dev.hydra.route;

/** Whether a stage runs for an event. */
public enum Decision {
  RUN("run"),
  SKIP("skip");

  private final String id;

  Decision(String id) {
    this.id = id;
  }

  /** The name in machine output. */
  public String id() {
    return id;
  }
}

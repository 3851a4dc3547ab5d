package dev.hydra.gate;

import java.util.List;

/**
 * The gates a target repository declares, in the order it declares them.
 *
 * @param path the file they were read from, relative to the repository ({@link #PATH})
 * @param gates the gates; empty when the file is absent or lists none
 * @param found whether the file exists
 */
public record GateFile(String path, List<Gate> gates, boolean found) {

  /** Where a target repository declares its gates. */
  public static final String PATH = ".hydra/gates.yml";

  /** The only version of the schema. */
  public static final int VERSION = 1;

  /** The most gates one file may declare. */
  public static final int MAX_GATES = 50;

  /** Copies the list. */
  public GateFile {
    gates = List.copyOf(gates);
  }

  /** No file: no gates. */
  public static GateFile absent() {
    return new GateFile(PATH, List.of(), false);
  }

  /**
   * Parses and validates the file's text (pure).
   *
   * @param text the file's content
   * @throws GateFileException listing every problem, each with its fix
   */
  public static GateFile parse(String text) throws GateFileException {
    return new GateFile(PATH, GateFileParser.parse(text, PATH), true);
  }

  /** One line for people: how many gates, or that none are declared and why. */
  public String note() {
    if (!found) {
      return "no gates declared (" + path + " not found)";
    }
    if (gates.isEmpty()) {
      return "no gates declared (" + path + " lists none)";
    }
    return gates.size() + (gates.size() == 1 ? " gate" : " gates") + " declared in " + path;
  }
}

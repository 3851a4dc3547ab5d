package dev.hydra.verdict;

/** How serious a finding is. */
public enum Severity {
  CRITICAL,
  WARNING,
  INFO
}

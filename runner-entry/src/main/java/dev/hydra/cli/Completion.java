package dev.hydra.cli;

import java.util.List;
import java.util.Map;

/**
 * Shell completion scripts for {@code hydra}, generated from the command table: a command's words
 * are its options (and sub-actions); nothing is hand-maintained.
 */
final class Completion {

  private Completion() {}

  /** A bash script defining {@code _hydra} and registering it for {@code hydra} and bin/hydra. */
  static String bash(Map<String, List<String>> table, List<String> global) {
    StringBuilder s = new StringBuilder();
    s.append("# bash completion for hydra; load with: source <(hydra completion bash)\n");
    s.append("_hydra() {\n");
    s.append("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" cmd=\"\" i\n");
    s.append("  for ((i = 1; i < COMP_CWORD; i++)); do\n");
    s.append(
        "    case \"${COMP_WORDS[i]}\" in -*) ;; *) cmd=\"${COMP_WORDS[i]}\"; break ;; esac\n");
    s.append("  done\n");
    s.append("  local words\n");
    s.append("  case \"$cmd\" in\n");
    s.append("    \"\") words=\"")
        .append(String.join(" ", table.keySet()))
        .append(' ')
        .append(String.join(" ", global))
        .append("\" ;;\n");
    for (Map.Entry<String, List<String>> e : table.entrySet()) {
      s.append("    ")
          .append(e.getKey())
          .append(") words=\"")
          .append(String.join(" ", e.getValue()))
          .append("\" ;;\n");
    }
    s.append("    *) words=\"\" ;;\n");
    s.append("  esac\n");
    s.append("  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n");
    s.append("}\n");
    s.append("complete -o default -F _hydra hydra bin/hydra ./bin/hydra\n");
    return s.toString();
  }

  /** A zsh script: the bash one through zsh's bashcompinit, so both complete the same words. */
  static String zsh(Map<String, List<String>> table, List<String> global) {
    return "# zsh completion for hydra; load with: source <(hydra completion zsh)\n"
        + "autoload -U +X compinit && compinit\n"
        + "autoload -U +X bashcompinit && bashcompinit\n"
        + bash(table, global).lines().skip(1).reduce("", (a, b) -> a + b + "\n");
  }
}

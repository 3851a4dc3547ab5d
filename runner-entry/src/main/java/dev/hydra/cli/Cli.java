package dev.hydra.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;

/**
 * The {@code hydra} command line: finds the subcommand, parses its options with commons-cli, runs
 * it and maps the outcome to an exit code. Holds no business rules.
 */
final class Cli {

  static final String NAME = "hydra";

  private static final String EXIT_CODES =
      String.join(
          System.lineSeparator(),
          "Exit codes:",
          "  0   success (a decision to skip is a success)",
          "  1   the stage ran and failed, or doctor found a problem",
          "  2   bad input: options, event payload, configuration or credentials; nothing was"
              + " changed",
          "  3   the forge refused or failed a request (the message names persona, repo, fix)",
          "  4   container runtime error: Docker unreachable, image missing, container could not"
              + " run",
          " 70   internal error: run again with --stacktrace and report it");

  private final List<CliCommand> commands;
  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;

  Cli(List<CliCommand> commands, Map<String, String> env, PrintWriter out, PrintWriter err) {
    this.commands = List.copyOf(commands);
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
  }

  /** The commands of {@code hydra}. */
  static List<CliCommand> defaultCommands() {
    return List.of(
        RouteCommand.route(),
        RouteCommand.explain(),
        new LabelsCommand(),
        new DoctorCommand(),
        new InitCommand(),
        new StageRunCommand(),
        new DevRunCommand(),
        new RunCommand(),
        new ReconcileCommand(),
        new SuperviseCommand(false),
        new SuperviseCommand(true),
        new ImageCommand(),
        new DemoCommand());
  }

  /** Runs one command line and returns the exit code. */
  int run(String[] argv) {
    ErrorReporter reporter = new ErrorReporter(env, err, hasFlag(argv, "--stacktrace"));
    String command = NAME;
    try {
      CommandLine global = parse(NAME, globalOptions(), argv, true);
      List<String> rest = global.getArgList();
      if (global.hasOption("version")) {
        out.println(Version.text());
        return ExitCodes.OK;
      }
      if (!rest.isEmpty() && rest.get(0).equals("help")) {
        return help(rest.subList(1, rest.size()));
      }
      if (!rest.isEmpty() && rest.get(0).equals("completion")) {
        return completion(rest.subList(1, rest.size()));
      }
      if (rest.isEmpty() || global.hasOption("help")) {
        if (rest.isEmpty() && !global.hasOption("help")) {
          throw new UsageException(NAME, "no command given; choose one of " + commandNames());
        }
        printRootHelp();
        return ExitCodes.OK;
      }
      CliCommand cmd = find(rest.get(0));
      command = NAME + " " + cmd.name();
      Options options = withCommonOptions(cmd.options());
      String[] cmdArgs = rest.subList(1, rest.size()).toArray(new String[0]);
      CommandLine parsed = parse(command, options, cmdArgs, false);
      if (parsed.hasOption("help")) {
        printCommandHelp(cmd, options);
        return ExitCodes.OK;
      }
      if (!cmd.acceptsArguments() && !parsed.getArgList().isEmpty()) {
        throw new UsageException(
            command,
            "unexpected argument " + dev.hydra.text.Texts.quote(parsed.getArgList().get(0)));
      }
      Logging.configure(verbosity(global) + verbosity(parsed));
      return cmd.run(new Invocation(command, parsed, env, out, err));
    } catch (Exception e) {
      return reporter.report(command, e);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private CliCommand find(String name) throws UsageException {
    for (CliCommand cmd : commands) {
      if (cmd.name().equals(name)) {
        return cmd;
      }
    }
    String suggestion = suggest(name, allNames());
    throw new UsageException(
        NAME,
        "unknown command "
            + dev.hydra.text.Texts.quote(name)
            + (suggestion.isEmpty() ? "" : "; did you mean `" + suggestion + "`?")
            + "; choose one of "
            + commandNames());
  }

  /** The command names, with the built-in {@code help} and {@code completion}. */
  List<String> allNames() {
    List<String> names = new ArrayList<>();
    for (CliCommand cmd : commands) {
      names.add(cmd.name());
    }
    names.add("help");
    names.add("completion");
    return names;
  }

  /**
   * The known name closest to a mistyped one: the smallest edit distance, at most 2 (at most 1 for
   * names of up to 4 letters), or a name it is a prefix of; empty when nothing is close.
   */
  static String suggest(String typed, List<String> names) {
    String lower = typed.toLowerCase(java.util.Locale.ROOT);
    String best = "";
    int bestDistance = Integer.MAX_VALUE;
    for (String name : names) {
      int d = distance(lower, name);
      if (d < bestDistance) {
        bestDistance = d;
        best = name;
      }
    }
    int allowed = lower.length() <= 4 ? 1 : 2;
    if (!best.isEmpty() && bestDistance <= allowed) {
      return best;
    }
    if (lower.length() >= 2) {
      for (String name : names) {
        if (name.startsWith(lower)) {
          return name;
        }
      }
    }
    return "";
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** {@code hydra help [COMMAND]}: the root help, or one command's. */
  private int help(List<String> args) throws Exception {
    if (args.isEmpty()) {
      printRootHelp();
      return ExitCodes.OK;
    }
    if (args.size() > 1) {
      throw new UsageException(NAME + " help", "expected one command, e.g. `hydra help route`");
    }
    String name = args.get(0);
    if (name.equals("help") || name.equals("completion")) {
      printRootHelp();
      return ExitCodes.OK;
    }
    CliCommand cmd = find(name);
    printCommandHelp(cmd, withCommonOptions(cmd.options()));
    return ExitCodes.OK;
  }

  /** {@code hydra completion bash|zsh}: a completion script made from the command table. */
  private int completion(List<String> args) throws UsageException {
    if (args.size() != 1) {
      throw new UsageException(
          NAME + " completion",
          "expected the shell: `hydra completion bash` or `hydra completion zsh`");
    }
    Map<String, List<String>> table = new java.util.LinkedHashMap<>();
    for (CliCommand cmd : commands) {
      List<String> words = new ArrayList<>();
      for (Option option : withCommonOptions(cmd.options()).getOptions()) {
        words.add("--" + option.getLongOpt());
      }
      if (cmd.name().equals("labels")) {
        words.add(0, "seed");
      }
      table.put(cmd.name(), words);
    }
    table.put("help", new ArrayList<>(commandNamesList()));
    table.put("completion", List.of("bash", "zsh"));
    List<String> global = new ArrayList<>();
    for (Option option : globalOptions().getOptions()) {
      global.add("--" + option.getLongOpt());
    }
    String script =
        switch (args.get(0)) {
          case "bash" -> Completion.bash(table, global);
          case "zsh" -> Completion.zsh(table, global);
          default ->
              throw new UsageException(
                  NAME + " completion",
                  "unknown shell "
                      + dev.hydra.text.Texts.quote(args.get(0))
                      + "; choose bash or zsh");
        };
    out.print(script);
    return ExitCodes.OK;
  }

  private List<String> commandNamesList() {
    List<String> names = new ArrayList<>();
    for (CliCommand cmd : commands) {
      names.add(cmd.name());
    }
    return names;
  }

  private String commandNames() {
    List<String> names = new ArrayList<>();
    for (CliCommand cmd : commands) {
      names.add(cmd.name());
    }
    return String.join(", ", names);
  }

  private static CommandLine parse(String command, Options options, String[] args, boolean stop)
      throws UsageException {
    try {
      return DefaultParser.builder()
          .setAllowPartialMatching(false)
          .setStripLeadingAndTrailingQuotes(false)
          .get()
          .parse(options, args, stop);
    } catch (UnrecognizedOptionException e) {
      throw new UsageException(command, unknownOption(e.getOption(), options));
    } catch (ParseException e) {
      throw new UsageException(command, String.valueOf(e.getMessage()));
    }
  }

  /** An unknown option, with the closest of the command's long options when one is close. */
  static String unknownOption(String typed, Options options) {
    List<String> names = new ArrayList<>();
    for (Option option : options.getOptions()) {
      if (option.getLongOpt() != null) {
        names.add(option.getLongOpt());
      }
    }
    String bare = typed.replaceFirst("^-+", "").replaceFirst("=.*", "");
    String suggestion = bare.isEmpty() ? "" : suggest(bare, names);
    return "unknown option "
        + dev.hydra.text.Texts.quote(typed)
        + (suggestion.isEmpty() ? "" : "; did you mean `--" + suggestion + "`?");
  }

  private static Options globalOptions() {
    return new Options()
        .addOption(Option.builder("h").longOpt("help").desc("Show this help.").get())
        .addOption(Option.builder("V").longOpt("version").desc("Print the version.").get())
        .addOption(
            Option.builder()
                .longOpt("stacktrace")
                .desc("Print the stack trace of an error, not only its message.")
                .get())
        .addOption(
            Option.builder("v")
                .longOpt("verbose")
                .desc("More log output on stderr (-v info, -v -v debug).")
                .get());
  }

  private static Options withCommonOptions(Options own) {
    Options all = new Options();
    for (Option option : own.getOptions()) {
      all.addOption(option);
    }
    for (Option option : globalOptions().getOptions()) {
      if (!option.getLongOpt().equals("version")) {
        all.addOption(option);
      }
    }
    return all;
  }

  private static int verbosity(CommandLine parsed) {
    int level = 0;
    for (Option option : parsed.getOptions()) {
      if ("verbose".equals(option.getLongOpt())) {
        level++;
      }
    }
    return level;
  }

  private static boolean hasFlag(String[] argv, String flag) {
    return Arrays.asList(argv).contains(flag);
  }

  private void printRootHelp() throws IOException {
    out.println("Usage: " + NAME + " [--help] [--version] COMMAND [OPTIONS]");
    out.println();
    out.println(
        "Hydra: a label-driven pipeline in which AI coding agents build and review issues on"
            + " GitHub and Forgejo under human rules.");
    out.println();
    out.println("Commands:");
    for (CliCommand cmd : commands) {
      out.printf("  %-10s %s%n", cmd.name(), cmd.summary());
    }
    out.println();
    out.printf("  %-10s %s%n", "help", "Show this help, or a command's: hydra help COMMAND.");
    out.printf(
        "  %-10s %s%n",
        "completion", "Print a shell completion script: source <(hydra completion bash), or zsh.");
    out.println();
    out.println(
        "Run '"
            + NAME
            + " help COMMAND' or '"
            + NAME
            + " COMMAND --help' for a command's options.");
    out.println();
    out.println(EXIT_CODES);
  }

  private void printCommandHelp(CliCommand cmd, Options options) throws IOException {
    HelpFormatter help =
        HelpFormatter.builder().setHelpAppendable(new TextHelpAppendable(out)).get();
    help.setSyntaxPrefix("Usage: ");
    help.printHelp(NAME + " " + cmd.name(), cmd.description(), options, EXIT_CODES, true);
  }
}

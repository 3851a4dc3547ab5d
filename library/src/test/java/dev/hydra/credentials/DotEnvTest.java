package dev.hydra.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotEnvTest {

  static Map<String, String> values(String text) throws CredentialException {
    Map<String, String> values = new LinkedHashMap<>();
    DotEnv.parse(text, "secrets/.env").forEach((k, v) -> values.put(k, v.value()));
    return values;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = "|",
      value = {
        "plain                      | A=value1                    | value1",
        "double quotes              | A=\"value 1\"               | value 1",
        "single quotes              | A='value \"1\"'             | value \"1\"",
        "export prefix              | export A=value1             | value1",
        "export with tab            | 'export\tA=value1'          | value1",
        "blanks around              | '  A = value1  '            | value1",
        "comment after value        | A=value1 # the builder      | value1",
        "comment after quotes       | A=\"v#1\"   # note          | v#1",
        "hash inside value          | A=abc#def                   | abc#def",
        "empty                      | A=                          | ''",
        "empty quotes               | A=\"\"                      | ''",
        "dollar kept literally      | A='$HOME'                   | $HOME",
        "equals in value            | A=a=b==                     | a=b==",
      })
  void parsesOneLine(String what, String line, String expected) throws CredentialException {
    assertThat(values(line)).containsExactly(Map.entry("A", expected));
  }

  @Test
  void skipsCommentsAndBlankLinesAndAcceptsCrlfAndBom() throws CredentialException {
    String text =
        String.join(
            "\r\n",
            "\uFEFF# Hydra secrets",
            "",
            "HYDRA_BUILDER_TOKEN=one",
            "   # indented comment",
            "export GITHUB_ORG=\"acme\"",
            "HYDRA_LABEL_PREFIX=dev",
            "");
    assertThat(values(text))
        .containsExactly(
            Map.entry("HYDRA_BUILDER_TOKEN", "one"),
            Map.entry("GITHUB_ORG", "acme"),
            Map.entry("HYDRA_LABEL_PREFIX", "dev"));
  }

  @Test
  void remembersLineNumbers() throws CredentialException {
    assertThat(DotEnv.parse("# c\n\nB=2\n", "f"))
        .extractingByKey("B")
        .isEqualTo(new DotEnv.Entry("2", 3));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = "|",
      value = {
        "no equals sign        | SECRETVALUE123456789             | secrets/.env line 2: expected KEY=VALUE",
        "empty key             | =SECRETVALUE123456789            | secrets/.env line 2: expected KEY=VALUE",
        "bad key               | 1A=SECRETVALUE123456789          | secrets/.env line 2: the name before = is not a variable name",
        "command substitution  | $(cat x)=SECRETVALUE123456789    | secrets/.env line 2: the name before = is not a variable name",
        "unterminated quote    | A=\"SECRETVALUE123456789         | secrets/.env line 2: A has an opening double quote but no closing one",
        "text after quote      | A='SECRETVALUE123456789' x       | secrets/.env line 2: A has text after the closing quote",
        "blank inside value    | A=SECRET VALUE123456789          | secrets/.env line 2: A has a blank inside its value",
        "duplicate             | OK=1                             | secrets/.env line 2: OK is set again (first on line 1)",
      })
  void refusesMalformedLinesWithoutQuotingThem(String what, String line, String message) {
    assertThatThrownBy(() -> values("OK=1\n" + line + "\n"))
        .isInstanceOf(CredentialException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRETVALUE", "VALUE123"));
  }
}

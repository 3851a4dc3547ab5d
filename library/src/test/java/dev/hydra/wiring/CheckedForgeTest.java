package dev.hydra.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckedForgeTest {

  static final RepoRef REPO = RepoRef.of("acme", "shop");

  final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  /** A forge that records each call as "persona method" and has the given permission. */
  Forge forge(String persona, Permission permission) {
    return (Forge)
        Proxy.newProxyInstance(
            Forge.class.getClassLoader(),
            new Class<?>[] {Forge.class},
            (proxy, method, args) -> {
              calls.add(persona + " " + method.getName());
              Class<?> type = method.getReturnType();
              if (method.getName().equals("tokenPermission")) {
                return permission;
              }
              if (type == Optional.class) {
                return Optional.empty();
              }
              if (type == List.class) {
                return List.of();
              }
              return type == boolean.class ? false : null;
            });
  }

  @Test
  void everyTokenOfTheJobIsCheckedOnceBeforeTheFirstWrite() throws Exception {
    Map<Persona, Forge> raw =
        Map.of(
            Persona.BUILDER, forge("builder", Permission.WRITE),
            Persona.APPLIER, forge("applier", Permission.WRITE));
    Map<Persona, Forge> checked = CheckedForge.wrap(REPO, raw, raw, Map.of());

    java.util.Objects.requireNonNull(checked.get(Persona.BUILDER)).issue(REPO, 7);
    assertThat(calls).containsExactly("builder issue");
    java.util.Objects.requireNonNull(checked.get(Persona.BUILDER)).setLabels(REPO, 7, Set.of("a"));
    java.util.Objects.requireNonNull(checked.get(Persona.APPLIER)).merge(REPO, 12, "abc");
    java.util.Objects.requireNonNull(checked.get(Persona.BUILDER)).setLabels(REPO, 7, Set.of("b"));

    assertThat(calls)
        .containsExactlyInAnyOrder(
            "builder issue",
            "builder tokenPermission",
            "applier tokenPermission",
            "builder setLabels",
            "applier merge",
            "builder setLabels");
    assertThat(calls.subList(1, 3)).allSatisfy(c -> assertThat(c).endsWith("tokenPermission"));
  }

  @Test
  void anAdminTokenRefusesTheFirstWriteAndEveryLaterOneWritingNothing() {
    Map<Persona, Forge> raw =
        Map.of(
            Persona.REVIEWER, forge("reviewer", Permission.WRITE),
            Persona.APPLIER, forge("applier", Permission.ADMIN));
    Map<Persona, Forge> checked =
        CheckedForge.wrap(REPO, raw, raw, Map.of(Persona.APPLIER, "HYDRA_APPLIER_TOKEN"));

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(
              () ->
                  java.util.Objects.requireNonNull(checked.get(Persona.REVIEWER))
                      .takeLabel(REPO, 7, "queued"))
          .isInstanceOf(TokenRefusedException.class)
          .hasMessageContaining("the applier token (HYDRA_APPLIER_TOKEN) is admin on acme/shop")
          .hasMessageContaining("refused before anything was written");
    }
    assertThat(calls).noneMatch(c -> c.endsWith("takeLabel"));
    assertThat(calls.stream().filter(c -> c.equals("applier tokenPermission"))).hasSize(1);
  }
}

package io.emporium.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CategoryRulesTest {
  private final UUID clothing = UUID.randomUUID();
  private final UUID shirts = UUID.randomUUID();
  private final UUID linen = UUID.randomUUID();
  private final UUID books = UUID.randomUUID();
  private final Map<UUID, UUID> parentOf = new HashMap<>(Map.of(shirts, clothing, linen, shirts));

  @Test
  void aCategoryMayMoveUnderAnyoneButItselfAndItsDescendants() {
    assertThat(CategoryRules.checkParent(linen, books, parentOf)).isEmpty();
    assertThat(CategoryRules.checkParent(clothing, null, parentOf)).isEmpty();
    assertThat(CategoryRules.checkParent(clothing, clothing, parentOf)).isPresent();
    assertThat(CategoryRules.checkParent(clothing, linen, parentOf)).isPresent();
    assertThat(CategoryRules.checkParent(shirts, linen, parentOf)).isPresent();
  }

  @Test
  void theTreeHasADepthLimit() {
    UUID at = UUID.randomUUID();
    Map<UUID, UUID> chain = new HashMap<>();
    UUID top = at;
    for (int i = 0; i < CategoryRules.MAX_DEPTH; i++) {
      UUID child = UUID.randomUUID();
      chain.put(child, at);
      at = child;
    }
    assertThat(CategoryRules.checkParent(UUID.randomUUID(), at, chain))
        .contains("categories nest at most 8 levels deep");
    assertThat(CategoryRules.checkParent(UUID.randomUUID(), top, chain)).isEmpty();
  }

  @Test
  void namesAndSlugsAreChecked() {
    assertThat(CategoryRules.validate("Shirts", "mens-shirts")).isEmpty();
    assertThat(CategoryRules.validate("", "Bad Slug"))
        .extracting(e -> e.field())
        .containsExactly("name", "slug");
    assertThat(CategoryRules.validate("x".repeat(101), "a--b")).hasSize(2);
  }
}

package io.emporium.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.catalog.v1.ProductSearch;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SearchRulesTest {

  private static List<String> fields(ProductSearch s) {
    return SearchRules.validate(s).stream().map(FieldError::field).toList();
  }

  @Test
  void queryWordsAreLettersAndDigitsOnlySoNoTsqueryOperatorGetsThrough() {
    assertThat(SearchRules.words("Red 'shirt' & !(size:*) <-> 42"))
        .containsExactly("red", "shirt", "size", "42");
  }

  @Test
  void theDefaultOrderIsRelevanceForAQueryAndNewestWithout() {
    assertThat(SearchRules.sort(ProductSearch.newBuilder().setQuery("lamp").build()))
        .isEqualTo(SearchRules.Sort.RELEVANCE);
    assertThat(SearchRules.sort(ProductSearch.newBuilder().setQuery(" !! ").build()))
        .isEqualTo(SearchRules.Sort.NEWEST);
  }

  @Test
  void unknownSortsBadLimitsAndForeignCursorsAreNamed() {
    String priceCursor =
        new SearchRules.Cursor(SearchRules.Sort.PRICE, "100", UUID.randomUUID()).encode();
    ProductSearch bad =
        ProductSearch.newBuilder().setSort("cheapest").setLimit(101).setCursor("nope").build();
    assertThat(fields(bad)).containsExactlyInAnyOrder("sort", "limit", "cursor");
    assertThat(
            fields(
                ProductSearch.newBuilder()
                    .setSort("newest")
                    .setLimit(5)
                    .setCursor(priceCursor)
                    .build()))
        .containsExactly("cursor");
    assertThat(
            fields(
                ProductSearch.newBuilder()
                    .setSort("price")
                    .setLimit(5)
                    .setCursor(priceCursor)
                    .build()))
        .isEmpty();
    assertThat(fields(ProductSearch.newBuilder().setLimit(5).setMinPrice(9).setMaxPrice(3).build()))
        .containsExactly("maxPrice");
    String forged =
        new SearchRules.Cursor(SearchRules.Sort.PRICE, "cheap", UUID.randomUUID()).encode();
    assertThat(
            fields(
                ProductSearch.newBuilder().setSort("price").setLimit(5).setCursor(forged).build()))
        .containsExactly("cursor");
  }

  @Test
  void aCursorSurvivesItsOwnEncoding() {
    SearchRules.Cursor c =
        new SearchRules.Cursor(SearchRules.Sort.RATING, "4.50/12", UUID.randomUUID());
    assertThat(SearchRules.Cursor.decode(c.encode())).contains(c);
  }
}

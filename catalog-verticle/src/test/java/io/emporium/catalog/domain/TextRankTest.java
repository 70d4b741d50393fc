package io.emporium.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The expected values are what PostgreSQL 17's ts_rank answers for the same vector and query. */
class TextRankTest {
  // setweight(to_tsvector('english', 'The copper kettle lamp'), 'A')
  //   || setweight(to_tsvector('english', 'A kettle of copper made to last. copper copper'), 'B')
  private static final TextRank.Words KETTLE =
      TextRank.parse("'copper':2A,8B,12B,13B 'kettl':3A,6B 'lamp':4A 'last':11B 'made':9B");

  @Test
  void aQueryWantingEveryWordRanksAsTsRankDoes() {
    // to_tsquery('english', 'copper & kettle')
    assertThat(TextRank.rank(KETTLE, List.of("copper", "kettl"), true)).isEqualTo(0.99978995f);
    // to_tsquery('english', '(copper | coppr) & kettle & lamp')
    assertThat(TextRank.rank(KETTLE, List.of("copper", "coppr", "kettl", "lamp"), true))
        .isEqualTo(1.0f);
  }

  @Test
  void aQueryWantingAnyWordRanksAsTsRankDoes() {
    assertThat(TextRank.rank(KETTLE, List.of("copper"), false)).isEqualTo(0.710937f);
    // to_tsquery('english', 'copper | kettle')
    assertThat(TextRank.rank(KETTLE, List.of("copper", "kettl"), false)).isEqualTo(0.6898284f);
    // to_tsvector('english', 'mug') and to_tsquery('english', 'mug & mug'): one distinct word
    assertThat(TextRank.rank(TextRank.parse("'mug':1"), List.of("mug"), true))
        .isEqualTo(0.06079271f);
  }

  @Test
  void theVectorTextIsReadWithItsWeightsPositionsAndQuotes() {
    TextRank.Words words = TextRank.parse("'it''s':3 'lamp':1A,2 'zed'");
    assertThat(words.lexemes()).containsExactly("it's", "lamp", "zed");
    assertThat(words.of("lamp")).containsExactly(1 * 4 + 3, 2 * 4);
    assertThat(words.of("zed")).containsExactly(16383 * 4);
    assertThat(words.of("mug")).isNull();
  }
}

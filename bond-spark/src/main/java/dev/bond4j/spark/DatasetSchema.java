package dev.bond4j.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a Best-of-N dataset (Parquet or JSON lines), one row per prompt; the README's
 * "Best-of-N datasets" section documents them.
 */
public final class DatasetSchema {
  /** A candidate: text, tokens, log-probs, reward, quantile. */
  public static final StructType CANDIDATE = new StructType(new StructField[] {
      DataTypes.createStructField("text", DataTypes.StringType, false),
      DataTypes.createStructField("tokens",
          DataTypes.createArrayType(DataTypes.IntegerType, false), false),
      DataTypes.createStructField("log_prob", DataTypes.DoubleType, false),
      DataTypes.createStructField("token_log_probs",
          DataTypes.createArrayType(DataTypes.DoubleType, false), false),
      DataTypes.createStructField("ended_with_eos", DataTypes.BooleanType, false),
      DataTypes.createStructField("reward", DataTypes.DoubleType, false),
      DataTypes.createStructField("quantile", DataTypes.DoubleType, false)});

  /** A row: the prompt, its candidates, the pick and its reward. */
  public static final StructType ROW = new StructType(new StructField[] {
      DataTypes.createStructField("prompt_index", DataTypes.LongType, false),
      DataTypes.createStructField("prompt_id", DataTypes.StringType, false),
      DataTypes.createStructField("prompt", DataTypes.StringType, false),
      DataTypes.createStructField("n", DataTypes.IntegerType, false),
      DataTypes.createStructField("candidates", DataTypes.createArrayType(CANDIDATE, false),
          false),
      DataTypes.createStructField("best", DataTypes.IntegerType, false),
      DataTypes.createStructField("best_text", DataTypes.StringType, false),
      DataTypes.createStructField("best_reward", DataTypes.DoubleType, false)});

  private DatasetSchema() {}

  /** The Spark row of {@code row}. */
  public static Row toRow(BestOfNRow row) {
    Row[] candidates = new Row[row.candidates().size()];
    for (int i = 0; i < candidates.length; i++) {
      Candidate c = row.candidates().get(i);
      candidates[i] = RowFactory.create(c.text(), c.tokens(), c.logProb(), c.tokenLogProbs(),
          c.endedWithEos(), c.reward(), c.quantile());
    }
    Candidate best = row.bestCandidate();
    return RowFactory.create(row.promptIndex(), row.promptId(), row.promptText(),
        candidates.length, candidates, row.best(), best.text(), best.reward());
  }
}

package captioner.ml

import org.apache.spark.ml.param.ParamMap
import org.apache.spark.ml.tuning.ParamGridBuilder

/** The captioner.ml API as a Scala user writes it; ScalaUsageTest compiles this and checks what run() returns. */
object CaptionerFromScala {
  def run(): java.util.Map[String, Any] = {
    val captioner = new Captioner()
      .setHiddenDim(16)
      .setCell("lstm")
      .setWordVecDim(8)
      .setLearningRate(5e-3)
      .setMaxIter(3)
    val grid = new ParamGridBuilder()
      .addGrid(captioner.hiddenDim, Array(16, 32, 64))
      .addGrid(captioner.learningRate, Array(1e-3, 5e-3))
      .build()
    val copied: Captioner = captioner.copy(ParamMap.empty)
    val evaluator: CaptionEvaluator = new CaptionEvaluator().setMetricName("cider_d")
    // Both ways to a model type-check as Scala functions; neither runs here (no fit, no file).
    val load: String => CaptionerModel = CaptionerModel.load _
    val fromCheckpoint: String => CaptionerModel = CaptionerModel.fromCheckpoint _

    val result = new java.util.LinkedHashMap[String, Any]()
    result.put("hiddenDim", captioner.getHiddenDim)
    result.put("cell", captioner.getCell)
    result.put("learningRate", captioner.getOrDefault(captioner.learningRate))
    result.put("gridSize", grid.length)
    result.put("gridHiddenDims", grid.map(_(captioner.hiddenDim)).distinct.sorted.mkString(","))
    result.put("copiedHiddenDim", copied.getHiddenDim)
    result.put("copiedUid", copied.uid == captioner.uid)
    result.put("explainParams", captioner.explainParams())
    result.put("metricName", evaluator.getMetricName)
    result.put("largerBetter", evaluator.isLargerBetter)
    result.put("loaders", Seq(load, fromCheckpoint).size)
    result
  }
}

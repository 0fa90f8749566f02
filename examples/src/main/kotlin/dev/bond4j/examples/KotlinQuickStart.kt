package dev.bond4j.examples

import dev.bond4j.dsl.Bond
import dev.bond4j.math.TieRule
import dev.bond4j.testbed.ExactEvaluator
import dev.bond4j.testbed.SequenceSpace
import dev.bond4j.testbed.TabularPolicy
import dev.bond4j.testbed.TabularReward
import dev.bond4j.value.OptimizerSettings

/**
 * The Kotlin quick start of the README: the same J-BOND run as the Java one, from Kotlin.
 * Returns the exact expected reward before and after training.
 */
object KotlinQuickStart {
    @JvmStatic
    fun run(): Pair<Double, Double> {
        val space = SequenceSpace.of(6, 0, 4)
        val policy = TabularPolicy.random(space, 2, 1.0, 7,
            OptimizerSettings.builder().learningRate(0.02).build())
        val reward = TabularReward.of(space, 2) { _, y -> y.length() + 0.1 * y.get(0) }
        val evaluator = ExactEvaluator(policy.snapshot(), reward, 16, TieRule.STRICT)
        val before = evaluator.evaluate(policy).expectedReward()

        val run = Bond.jbond()
            .policy(policy)
            .reward(reward)
            .prompts(listOf(TabularPolicy.prompt(0), TabularPolicy.prompt(1)))
            .beta(0.5).eta(0.02).gamma(0.0)
            .batchSize(16).maxNewTokens(4).steps(300).seed(1)
            .build()
        run.trainer().train(run.settings().steps())
        return before to evaluator.evaluate(policy).expectedReward()
    }

    @JvmStatic
    fun main(args: Array<String>) {
        val (before, after) = run()
        println("reward %.3f -> %.3f".format(before, after))
    }
}

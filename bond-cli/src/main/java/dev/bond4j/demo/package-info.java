/** The embedded demo: a synthetic review corpus, its word tokenizer and sentiment lexicon reward, a small GPT reference, J-BOND against REINFORCE, and the neural section of the paper's claims. */
package dev.bond4j.demo;

/**
 * Training and encoding: k-means with faiss's defaults, product and scalar quantisers.
 * Internal to komsu-core.
 */
package dev.komsu.quant;

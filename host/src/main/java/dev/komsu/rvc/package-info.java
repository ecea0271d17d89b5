/**
 * The RVC voice-conversion workflow: building an index from a folder of HuBERT feature files
 * with RVC's rules ({@link dev.komsu.rvc.RvcIndexBuilder}) and blending converted features with
 * their nearest stored neighbours ({@link dev.komsu.rvc.FeatureRetrieval}).
 */
package dev.komsu.rvc;

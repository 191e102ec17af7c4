/**
 * File plumbing every other package shares: atomic writes ({@link io.github.dl4jtransfer.io.AtomicFiles}),
 * SHA-256 identities ({@link io.github.dl4jtransfer.io.Sha256}) and NumPy {@code .npy} reading
 * ({@link io.github.dl4jtransfer.io.Npy}).
 *
 * <p>It sits below every other package and depends on none of them (only on the JDK and ND4J), so that
 * {@code data}, {@code model}, {@code train} and {@code matrix} can all use one copy of each helper without
 * an import cycle; a second copy of any of these is a bug waiting to diverge (a cache key hashed one way
 * and checked another).
 */
package io.github.dl4jtransfer.io;

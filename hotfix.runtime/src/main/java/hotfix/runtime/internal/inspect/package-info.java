/**
 * The security boundary: bytes in, an {@link hotfix.runtime.internal.inspect.InspectedJar} or a
 * {@link hotfix.runtime.internal.inspect.Refusal} out (limits, central directory, class files,
 * signatures, trust store, DS descriptors), and the jars the runtime writes itself. Changes
 * nothing in the framework; imports nothing from the pipeline.
 */
package hotfix.runtime.internal.inspect;

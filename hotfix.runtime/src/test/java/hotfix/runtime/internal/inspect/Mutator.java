package hotfix.runtime.internal.inspect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Corrupts a valid jar in the ways a damaged download, a bad copy or an attacker would: bytes
 * flipped, cut off, inserted, removed or appended; entries swapped, repeated, removed, renamed,
 * emptied or filled with garbage. Reproducible: the same seed gives the same mutants.
 * Public, in the runtime's test jar: itests gives the same mutants to a running server.
 */
public final class Mutator {

    /** One corrupted jar, and how it was made, for the failure message. */
    public record Mutant(String how, byte[] bytes) {
    }

    private record Item(String name, byte[] data) {
    }

    private final byte[] original;
    private final List<Item> items = new ArrayList<>();
    private final Random random;

    public Mutator(byte[] original, long seed) {
        this.original = original;
        this.random = new Random(seed);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(original))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                items.add(new Item(entry.getName(), in.readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Mutant> mutants(int count) {
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            mutants.add(next(i));
        }
        return mutants;
    }

    private Mutant next(int i) {
        byte[] b = original;
        switch (i % 16) {
            case 0: {
                byte[] copy = b.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
                }
                return new Mutant(i + ": " + flips + " byte(s) flipped", copy);
            }
            case 1: {
                int length = random.nextInt(b.length);
                return new Mutant(i + ": truncated to " + length + " bytes", Arrays.copyOf(b, length));
            }
            case 2: {
                byte[] garbage = garbage(1 + random.nextInt(64));
                byte[] copy = Arrays.copyOf(b, b.length + garbage.length);
                System.arraycopy(garbage, 0, copy, b.length, garbage.length);
                return new Mutant(i + ": " + garbage.length + " bytes of garbage appended", copy);
            }
            case 3: {
                int at = random.nextInt(b.length);
                byte[] garbage = garbage(1 + random.nextInt(16));
                return new Mutant(i + ": " + garbage.length + " bytes inserted at " + at, splice(b, at, 0, garbage));
            }
            case 4: {
                int at = random.nextInt(b.length);
                int length = 1 + random.nextInt(Math.min(32, b.length - at));
                return new Mutant(i + ": " + length + " bytes removed at " + at, splice(b, at, length, new byte[0]));
            }
            case 5: {
                byte[] copy = b.clone();
                int at = random.nextInt(copy.length);
                int length = Math.min(copy.length - at, 1 + random.nextInt(32));
                Arrays.fill(copy, at, at + length, (byte) 0);
                return new Mutant(i + ": " + length + " bytes zeroed at " + at, copy);
            }
            case 6: {
                // the index is at the end: damage it rather than the entries
                byte[] copy = b.clone();
                int at = copy.length - 1 - random.nextInt(Math.max(1, copy.length / 4));
                copy[at] ^= (byte) (1 + random.nextInt(255));
                return new Mutant(i + ": a byte of the index flipped at " + at, copy);
            }
            case 7: {
                List<Item> swapped = new ArrayList<>(items);
                int a = random.nextInt(swapped.size());
                int c = random.nextInt(swapped.size());
                Collections.swap(swapped, a, c);
                return new Mutant(i + ": entries " + a + " and " + c + " swapped", write(swapped));
            }
            case 8: {
                List<Item> repeated = new ArrayList<>(items);
                int a = random.nextInt(repeated.size());
                repeated.add(random.nextInt(repeated.size() + 1), repeated.get(a));
                return new Mutant(i + ": entry " + items.get(a).name() + " twice", write(repeated));
            }
            case 9: {
                List<Item> fewer = new ArrayList<>(items);
                Item removed = fewer.remove(random.nextInt(fewer.size()));
                return new Mutant(i + ": entry " + removed.name() + " removed", write(fewer));
            }
            case 10: {
                List<Item> changed = new ArrayList<>(items);
                int a = random.nextInt(changed.size());
                Item item = changed.get(a);
                changed.set(a, new Item(item.name(), garbage(item.data().length)));
                return new Mutant(i + ": entry " + item.name() + " filled with garbage", write(changed));
            }
            case 11: {
                List<Item> changed = new ArrayList<>(items);
                int a = random.nextInt(changed.size());
                Item item = changed.get(a);
                int length = item.data().length == 0 ? 0 : random.nextInt(item.data().length);
                changed.set(a, new Item(item.name(), Arrays.copyOf(item.data(), length)));
                return new Mutant(i + ": entry " + item.name() + " cut to " + length + " bytes", write(changed));
            }
            case 12: {
                List<Item> changed = new ArrayList<>(items);
                int a = random.nextInt(changed.size());
                Item item = changed.get(a);
                String[] prefixes = {"../", "/", "a/../../", "C:/", "..\\\\", "./"};
                String name = prefixes[random.nextInt(prefixes.length)] + item.name();
                changed.set(a, new Item(name, item.data()));
                return new Mutant(i + ": entry " + item.name() + " renamed " + name, write(changed));
            }
            case 13: {
                // two entries exchange their content: a class lands at another class's path
                List<Item> changed = new ArrayList<>(items);
                int a = random.nextInt(changed.size());
                int c = random.nextInt(changed.size());
                Item first = changed.get(a);
                Item second = changed.get(c);
                changed.set(a, new Item(first.name(), second.data()));
                changed.set(c, new Item(second.name(), first.data()));
                return new Mutant(i + ": contents of " + first.name() + " and " + second.name() + " exchanged",
                        write(changed));
            }
            case 14: {
                List<Item> changed = new ArrayList<>(items);
                int a = random.nextInt(changed.size());
                Item item = changed.get(a);
                byte[] data = item.data().clone();
                if (data.length > 0) {
                    data[random.nextInt(data.length)] ^= (byte) (1 + random.nextInt(255));
                }
                changed.set(a, new Item(item.name(), data));
                return new Mutant(i + ": a byte of entry " + item.name() + " flipped, sizes and CRC kept right",
                        write(changed));
            }
            default: {
                List<Item> more = new ArrayList<>(items);
                String name = "example/webapp/economy/Injected" + i + ".class";
                more.add(random.nextInt(more.size() + 1), new Item(name, garbage(1 + random.nextInt(256))));
                return new Mutant(i + ": a garbage " + name + " added", write(more));
            }
        }
    }

    private byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(insert);
        out.write(bytes, at + remove, bytes.length - at - remove);
        return out.toByteArray();
    }

    /** A well-formed zip of stored entries, which unlike ZipOutputStream writes a name twice if asked. */
    private static byte[] write(List<Item> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        for (Item item : entries) {
            byte[] name = item.name().getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(item.data());
            int offset = out.size();
            le32(out, 0x04034b50);
            le16(out, 10);
            le16(out, 0x800);
            le16(out, 0);
            le32(out, 0);
            le32(out, (int) crc.getValue());
            le32(out, item.data().length);
            le32(out, item.data().length);
            le16(out, name.length);
            le16(out, 0);
            out.writeBytes(name);
            out.writeBytes(item.data());
            le32(index, 0x02014b50);
            le16(index, 20);
            le16(index, 10);
            le16(index, 0x800);
            le16(index, 0);
            le32(index, 0);
            le32(index, (int) crc.getValue());
            le32(index, item.data().length);
            le32(index, item.data().length);
            le16(index, name.length);
            le16(index, 0);
            le16(index, 0);
            le16(index, 0);
            le16(index, 0);
            le32(index, 0);
            le32(index, offset);
            index.writeBytes(name);
        }
        int directory = out.size();
        out.writeBytes(index.toByteArray());
        le32(out, 0x06054b50);
        le16(out, 0);
        le16(out, 0);
        le16(out, entries.size());
        le16(out, entries.size());
        le32(out, index.size());
        le32(out, directory);
        le16(out, 0);
        return out.toByteArray();
    }

    private static void le16(ByteArrayOutputStream out, int value) {
        out.write(value & 0xFF);
        out.write(value >>> 8 & 0xFF);
    }

    private static void le32(ByteArrayOutputStream out, int value) {
        le16(out, value & 0xFFFF);
        le16(out, value >>> 16 & 0xFFFF);
    }
}

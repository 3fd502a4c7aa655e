using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Argus.FunctionalTests.Hardening;

/// <summary>The ways <see cref="RequestFuzzer"/> makes a request message wrong.</summary>
internal enum Mangling
{
    /// <summary>0–64 random bytes, now and then 64 KiB.</summary>
    RandomBytes,

    /// <summary>A valid encoding with random field values, then 1–3 bytes flipped.</summary>
    FlippedBytes,

    /// <summary>A string field holding bytes that are not UTF-8 (C# strings cannot hold them, so written by hand).</summary>
    InvalidUtf8,

    /// <summary>A 200 KiB string, or 10,000 elements of a repeated field.</summary>
    Huge,

    /// <summary>Nesting 200 levels deep, past the parser's recursion limit of 100.</summary>
    DeepNesting,

    /// <summary>Known field numbers with the wrong wire type, wire types that do not exist, tag zero.</summary>
    WrongWireType,

    /// <summary>A length prefix past the end of the message, a negative length, a varint cut off.</summary>
    LengthPastEnd,
}

/// <summary>
/// Builds request bytes for a message type from its descriptor, the same for the same seed: the
/// wire format is written with <see cref="CodedOutputStream"/> field by field, so a message can
/// be valid, nearly valid or anything but.
/// </summary>
internal sealed class RequestFuzzer(Random random)
{
    public const int HugeStringLength = 200 * 1024;
    public const int ManyElements = 10_000;
    public const int NestingDepth = 200;

    // Deep enough for every field of the Argus messages (record → person → identifier), short of runaway sizes.
    private const int MaxDepth = 4;
    private const WireFormat.WireType Delimited = WireFormat.WireType.LengthDelimited;

    private static readonly byte[][] BadUtf8 =
    [
        [0xC3, 0x28], // a two-byte sequence's lead, then ASCII
        [0xED, 0xA0, 0x80], // CESU-8: a lone high surrogate, U+D800
        [0xED, 0xBF, 0xBF], // a lone low surrogate, U+DFFF
        [0xFF],
        [0xC0, 0x80], // an overlong NUL (modified UTF-8)
        [0xF4, 0x90, 0x80, 0x80], // past U+10FFFF
        [0xE2, 0x82], // cut off
        [0x80], // a continuation byte without a lead
    ];

    private static readonly string[] Samples =
    [
        "NL", "BE", "XX", "nl", "111222333", "85.07.15-123.45", "10/960071-21", "AA.NN.XX.123456/21",
        "Jérôme Müller-Lüdenscheidt", "Đặng Thị Ngọc Thịnh", "李小龍", "🚓🚨", "\u0000", "a\u0007b", "line\nbreak", "\t",
        "' OR 1=1 --", "../../etc/passwd", "%00", "{\"a\":1}", "operations/-/arrests/-", "partners/nl/operations/argus/arrests/a",
        "status,end_time", "description", "*", "", " ",
    ];

    private static readonly string[] Collections = ["arrests", "houseSearches", "evidenceItems", "shares", "followUps"];

    public byte[] Create(MessageDescriptor type, Mangling mangling) => mangling switch
    {
        Mangling.RandomBytes => RandomBytes(random.Next(20) == 0 ? 64 * 1024 : random.Next(65)),
        Mangling.FlippedBytes => FlippedBytes(type),
        Mangling.InvalidUtf8 => InvalidUtf8(type),
        Mangling.Huge => Huge(type),
        Mangling.DeepNesting => DeepNesting(type),
        Mangling.WrongWireType => WrongWireTypes(type),
        _ => LengthPastEnd(type),
    };

    /// <summary>A valid encoding of <paramref name="type"/> with random values (some fields unset, repeated ones 0–3 times).</summary>
    public byte[] Valid(MessageDescriptor? type) => Encode(output => WriteMessage(output, type, 0));

    /// <summary>What <paramref name="write"/> writes, as bytes.</summary>
    public static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, true))
        {
            write(output);
            output.Flush();
        }

        return buffer.ToArray();
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private byte[] FlippedBytes(MessageDescriptor type)
    {
        var bytes = Valid(type);
        if (bytes.Length == 0)
        {
            return RandomBytes(random.Next(1, 4));
        }

        var flips = random.Next(1, 4);
        for (var i = 0; i < flips; i++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
        }

        return bytes;
    }

    private byte[] InvalidUtf8(MessageDescriptor type)
    {
        var bad = BadUtf8[random.Next(BadUtf8.Length)];
        byte[] text = random.Next(3) switch
        {
            0 => bad,
            1 => [.. "Jeroen"u8.ToArray(), .. bad],
            _ => [.. "de "u8.ToArray(), .. bad, .. " Vries"u8.ToArray()],
        };

        // A string field of the message or of a message in it; field 1 when there is none.
        var path = PathTo(type, field => field.FieldType == FieldType.String);
        var number = path.Count > 0 ? path[^1].FieldNumber : 1;
        var leaf = Encode(output =>
        {
            output.WriteTag(number, Delimited);
            output.WriteBytes(ByteString.CopyFrom(text));
        });
        var mangled = Wrap(path, leaf);
        return random.Next(2) == 0 ? mangled : [.. Valid(type), .. mangled];
    }

    private byte[] Huge(MessageDescriptor type) => random.Next(3) == 0 ? HugeString(type) : ManyElementsOf(type);

    /// <summary>One string of 200 Ki characters (ASCII, or 400 KiB of two-byte UTF-8).</summary>
    private byte[] HugeString(MessageDescriptor type)
    {
        var path = PathTo(type, field => field.FieldType == FieldType.String);
        var number = path.Count > 0 ? path[^1].FieldNumber : 1;
        var text = new string(random.Next(2) == 0 ? 'a' : 'é', HugeStringLength);
        return Wrap(path, Encode(output =>
        {
            output.WriteTag(number, Delimited);
            output.WriteString(text);
        }));
    }

    /// <summary>10,000 elements of a repeated field (or 10,000 times a singular one: the last wins).</summary>
    private byte[] ManyElementsOf(MessageDescriptor type)
    {
        var path = PathTo(type, field => field.IsRepeated);
        if (path.Count == 0)
        {
            path = PathTo(type, _ => true);
        }

        var textLength = random.Next(2) == 0 ? 2 : 20;
        return Wrap(path, Encode(output =>
        {
            for (var i = 0; i < ManyElements; i++)
            {
                if (path.Count == 0)
                {
                    output.WriteTag(1, WireFormat.WireType.Varint);
                    output.WriteInt32(i);
                }
                else
                {
                    WriteSmall(output, path[^1], textLength);
                }
            }
        }));
    }

    private byte[] DeepNesting(MessageDescriptor type) => random.Next(3) switch
    {
        0 => DeepLengthDelimited(type),
        1 => DeepGroups(AnyFieldNumber(type), closed: true),
        _ => DeepGroups(AnyFieldNumber(type), closed: false),
    };

    /// <summary>
    /// Length-delimited, 200 levels: through the message fields of the type as far as they go,
    /// field 1 below that; built from the inside out.
    /// </summary>
    private byte[] DeepLengthDelimited(MessageDescriptor type)
    {
        var numbers = new int[NestingDepth];
        var current = type;
        for (var level = 0; level < NestingDepth; level++)
        {
            var messages = current is null ? [] : current.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.Message).ToList();
            if (messages.Count > 0)
            {
                var field = messages[random.Next(messages.Count)];
                numbers[level] = field.FieldNumber;
                current = field.MessageType;
            }
            else
            {
                numbers[level] = 1;
                current = null;
            }
        }

        byte[] bytes = [];
        for (var level = NestingDepth - 1; level >= 0; level--)
        {
            var number = numbers[level];
            var inner = bytes;
            bytes = Encode(output =>
            {
                output.WriteTag(number, Delimited);
                output.WriteBytes(ByteString.CopyFrom(inner));
            });
        }

        return bytes;
    }

    /// <summary>Groups 200 deep, closed or never: the parser recurses into unknown groups (a known field with the group wire type is unknown).</summary>
    private static byte[] DeepGroups(int number, bool closed) => Encode(output =>
    {
        for (var level = 0; level < NestingDepth; level++)
        {
            output.WriteTag(number, WireFormat.WireType.StartGroup);
        }

        for (var level = 0; closed && level < NestingDepth; level++)
        {
            output.WriteTag(number, WireFormat.WireType.EndGroup);
        }
    });

    private byte[] WrongWireTypes(MessageDescriptor type)
    {
        var fields = type.Fields.InFieldNumberOrder();
        var wrong = Encode(output =>
        {
            var count = random.Next(1, 4);
            for (var i = 0; i < count; i++)
            {
                if (random.Next(8) == 0)
                {
                    output.WriteRawTag(0); // tag zero: no field has number 0
                    continue;
                }

                var field = fields.Count > 0 ? fields[random.Next(fields.Count)] : null;
                var number = field?.FieldNumber ?? random.Next(1, 20);
                var expected = field is null ? -1 : (int)WireTypeOf(field.FieldType);
                int wire;
                do
                {
                    wire = random.Next(8); // 6 and 7 are no wire type at all
                }
                while (wire == expected);

                output.WriteTag((uint)((number << 3) | wire));
                switch (wire)
                {
                    case 0:
                        output.WriteUInt64((ulong)SomeLong());
                        break;
                    case 1:
                        output.WriteFixed64((ulong)SomeLong());
                        break;
                    case 2:
                        output.WriteBytes(ByteString.CopyFrom(RandomBytes(random.Next(9))));
                        break;
                    case 3:
                        if (random.Next(2) == 0)
                        {
                            output.WriteTag(number, WireFormat.WireType.EndGroup); // a group, closed
                        }

                        break;
                    case 5:
                        output.WriteFixed32((uint)SomeInt());
                        break;
                    default:
                        break; // 4: an end of group never started; 6, 7: nothing can follow
                }
            }
        });
        return random.Next(2) == 0 ? wrong : [.. Valid(type), .. wrong];
    }

    private byte[] LengthPastEnd(MessageDescriptor type)
    {
        var prefix = random.Next(2) == 0 ? Valid(type) : [];
        var fields = type.Fields.InFieldNumberOrder();
        var delimited = fields.Where(f => WireTypeOf(f.FieldType) == Delimited).ToList();
        var messages = fields.Where(f => f.FieldType == FieldType.Message).ToList();
        var number = delimited.Count > 0 ? delimited[random.Next(delimited.Count)].FieldNumber : 1;
        var present = RandomBytes(random.Next(16));
        byte[] tail;
        switch (random.Next(5))
        {
            case 0:
                // Declares int.MaxValue bytes.
                tail = [.. Encode(output =>
                {
                    output.WriteTag(number, Delimited);
                    output.WriteLength(int.MaxValue);
                }), .. present];
                break;
            case 1:
                // A negative length.
                var negative = -random.Next(1, 1_000_000);
                tail = [.. Encode(output =>
                {
                    output.WriteTag(number, Delimited);
                    output.WriteLength(negative);
                }), .. present];
                break;
            case 2:
                // A varint whose every byte says "more follows".
                var varintNumber = fields.Count > 0 ? fields[random.Next(fields.Count)].FieldNumber : 1;
                tail = [.. Encode(output => output.WriteTag(varintNumber, WireFormat.WireType.Varint)), .. RandomBytes(random.Next(1, 4)).Select(b => (byte)(b | 0x80))];
                break;
            case 3:
                // A message field whose content declares more than the message holds.
                var outer = messages.Count > 0 ? messages[random.Next(messages.Count)].FieldNumber : number;
                byte[] inner = [.. Encode(output =>
                {
                    output.WriteTag(1, Delimited);
                    output.WriteLength(50 + present.Length);
                }), .. present];
                tail = Encode(output =>
                {
                    output.WriteTag(outer, Delimited);
                    output.WriteBytes(ByteString.CopyFrom(inner));
                });
                break;
            default:
                // Declares a few bytes more than there are.
                var declared = present.Length + random.Next(1, 1_000);
                tail = [.. Encode(output =>
                {
                    output.WriteTag(number, Delimited);
                    output.WriteLength(declared);
                }), .. present];
                break;
        }

        return [.. prefix, .. tail];
    }

    private void WriteMessage(CodedOutputStream output, MessageDescriptor? type, int depth)
    {
        if (type is null)
        {
            return;
        }

        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            if (random.Next(3) == 0)
            {
                continue;
            }

            var count = field.IsRepeated ? random.Next(4) : 1;
            for (var i = 0; i < count; i++)
            {
                WriteField(output, field, depth);
            }
        }
    }

    private void WriteField(CodedOutputStream output, FieldDescriptor field, int depth)
    {
        var number = field.FieldNumber;
        switch (field.FieldType)
        {
            case FieldType.String:
                output.WriteTag(number, Delimited);
                output.WriteString(Text());
                break;
            case FieldType.Bytes:
                output.WriteTag(number, Delimited);
                output.WriteBytes(ByteString.CopyFrom(RandomBytes(random.Next(17))));
                break;
            case FieldType.Message:
            case FieldType.Group:
                var inner = depth < MaxDepth ? Encode(nested => WriteMessage(nested, field.MessageType, depth + 1)) : [];
                output.WriteTag(number, Delimited);
                output.WriteBytes(ByteString.CopyFrom(inner));
                break;
            case FieldType.Bool:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteBool(random.Next(2) == 0);
                break;
            case FieldType.Enum:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteEnum(EnumValue(field.EnumType));
                break;
            case FieldType.Int32:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt32(SomeInt());
                break;
            case FieldType.SInt32:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteSInt32(SomeInt());
                break;
            case FieldType.UInt32:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteUInt32((uint)SomeInt());
                break;
            case FieldType.Int64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt64(SomeLong());
                break;
            case FieldType.SInt64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteSInt64(SomeLong());
                break;
            case FieldType.UInt64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteUInt64((ulong)SomeLong());
                break;
            case FieldType.Fixed32:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteFixed32((uint)SomeInt());
                break;
            case FieldType.SFixed32:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteSFixed32(SomeInt());
                break;
            case FieldType.Float:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteFloat((float)SomeDouble());
                break;
            case FieldType.Fixed64:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteFixed64((ulong)SomeLong());
                break;
            case FieldType.SFixed64:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteSFixed64(SomeLong());
                break;
            default:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteDouble(SomeDouble());
                break;
        }
    }

    /// <summary>One small element of <paramref name="field"/>: a short text, an empty message, or a scalar.</summary>
    private void WriteSmall(CodedOutputStream output, FieldDescriptor field, int textLength)
    {
        switch (field.FieldType)
        {
            case FieldType.String:
            case FieldType.Bytes:
                output.WriteTag(field.FieldNumber, Delimited);
                output.WriteString(Letters(textLength));
                break;
            case FieldType.Message:
            case FieldType.Group:
                output.WriteTag(field.FieldNumber, Delimited);
                output.WriteLength(0);
                break;
            default:
                WriteField(output, field, MaxDepth);
                break;
        }
    }

    /// <summary>A path of message fields ending in a field <paramref name="target"/> accepts, chosen at random; empty when there is none.</summary>
    private List<FieldDescriptor> PathTo(MessageDescriptor type, Func<FieldDescriptor, bool> target)
    {
        var paths = new List<List<FieldDescriptor>>();
        Collect(type, target, [], paths, 0);
        return paths.Count == 0 ? [] : paths[random.Next(paths.Count)];
    }

    private static void Collect(MessageDescriptor? type, Func<FieldDescriptor, bool> target, List<FieldDescriptor> prefix, List<List<FieldDescriptor>> paths, int depth)
    {
        if (type is null)
        {
            return;
        }

        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            if (target(field))
            {
                paths.Add([.. prefix, field]);
            }

            if (field.FieldType == FieldType.Message && depth < MaxDepth - 1)
            {
                Collect(field.MessageType, target, [.. prefix, field], paths, depth + 1);
            }
        }
    }

    /// <summary><paramref name="leaf"/> (the encoding of the path's last field) inside the messages of the path's other fields.</summary>
    private static byte[] Wrap(List<FieldDescriptor> path, byte[] leaf)
    {
        var bytes = leaf;
        for (var i = path.Count - 2; i >= 0; i--)
        {
            var number = path[i].FieldNumber;
            var inner = bytes;
            bytes = Encode(output =>
            {
                output.WriteTag(number, Delimited);
                output.WriteBytes(ByteString.CopyFrom(inner));
            });
        }

        return bytes;
    }

    private static WireFormat.WireType WireTypeOf(FieldType type) => type switch
    {
        FieldType.String or FieldType.Bytes or FieldType.Message => Delimited,
        FieldType.Group => WireFormat.WireType.StartGroup,
        FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => WireFormat.WireType.Fixed64,
        FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => WireFormat.WireType.Fixed32,
        _ => WireFormat.WireType.Varint,
    };

    private int AnyFieldNumber(MessageDescriptor type)
    {
        var fields = type.Fields.InFieldNumberOrder();
        return fields.Count > 0 ? fields[random.Next(fields.Count)].FieldNumber : 1;
    }

    private int EnumValue(EnumDescriptor? type) =>
        type is null || type.Values.Count == 0 || random.Next(5) == 0 ? SomeInt() : type.Values[random.Next(type.Values.Count)].Number;

    private int SomeInt() => random.Next(6) switch
    {
        0 => 0,
        1 => -1,
        2 => int.MaxValue,
        3 => int.MinValue,
        4 => random.Next(1_000),
        _ => random.Next(int.MinValue, int.MaxValue),
    };

    private long SomeLong() => random.Next(6) switch
    {
        0 => 0,
        1 => -1,
        2 => long.MaxValue,
        3 => long.MinValue,
        4 => random.Next(1_000_000),
        _ => random.NextInt64(long.MinValue, long.MaxValue),
    };

    private double SomeDouble() => random.Next(7) switch
    {
        0 => 0,
        1 => double.NaN,
        2 => double.PositiveInfinity,
        3 => double.NegativeInfinity,
        4 => double.MaxValue,
        5 => double.Epsilon,
        _ => (random.NextDouble() - 0.5) * 1e9,
    };

    private string Text() => random.Next(11) switch
    {
        0 => "",
        1 => Word(),
        2 => $"operations/{Word()}",
        3 => $"operations/{Word()}/{Collections[random.Next(Collections.Length)]}/{Word()}",
        4 => $"lookups/{Word()}/followUps/{Word()}",
        5 => $"partners/{(random.Next(2) == 0 ? "nl" : "be")}/operations/{Word()}/arrests/{Word()}",
        6 => Samples[random.Next(Samples.Length)],
        7 => new Guid(RandomBytes(16)).ToString(),
        8 => Letters(random.Next(1_000, 5_000)),
        _ => Unicode(random.Next(1, 40)),
    };

    /// <summary>Lower-case letters, digits and hyphens, starting with a letter: what an id looks like.</summary>
    private string Word()
    {
        const string Rest = "abcdefghijklmnopqrstuvwxyz0123456789-";
        var word = new StringBuilder();
        word.Append((char)('a' + random.Next(26)));
        var length = random.Next(0, 20);
        for (var i = 0; i < length; i++)
        {
            word.Append(Rest[random.Next(Rest.Length)]);
        }

        return word.ToString();
    }

    private string Letters(int length)
    {
        var letters = new char[length];
        for (var i = 0; i < length; i++)
        {
            letters[i] = (char)('A' + random.Next(26));
        }

        return new string(letters);
    }

    /// <summary>Valid UTF-16 (no lone surrogates: WriteString would only replace them) from several scripts, emoji included.</summary>
    private string Unicode(int length)
    {
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var codePoint = random.Next(6) switch
            {
                0 => random.Next(0x20, 0x7F),
                1 => random.Next(0xA0, 0x250),
                2 => random.Next(0x400, 0x500),
                3 => random.Next(0x4E00, 0x9FFF),
                4 => random.Next(0x1F300, 0x1F650),
                _ => random.Next(0, 0x20),
            };
            text.Append(char.ConvertFromUtf32(codePoint));
        }

        return text.ToString();
    }
}

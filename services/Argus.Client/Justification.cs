using System.Text;
using Grpc.Core;

namespace Argus.Client;

/// <summary>
/// Why a caller consults a record (EU Directive 2016/680 Art. 25), as call metadata. gRPC metadata
/// values are ASCII, so text beyond it ("Huiszoeking Liège") travels as UTF-8 in the binary header
/// x-argus-justification-bin, which the services prefer over the ASCII one.
/// </summary>
public static class Justification
{
    public const string Header = "x-argus-justification";
    public const string BinaryHeader = "x-argus-justification-bin";

    /// <summary>Metadata carrying <paramref name="reason"/>: the ASCII header when it is printable ASCII, the binary one otherwise.</summary>
    public static Metadata Of(string reason)
    {
        var metadata = new Metadata();
        if (reason.All(c => c is >= ' ' and <= '~'))
        {
            metadata.Add(Header, reason);
        }
        else
        {
            metadata.Add(BinaryHeader, Encoding.UTF8.GetBytes(reason));
        }

        return metadata;
    }
}

using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Evidence;
using Proto = Argus.Evidence.V1;

namespace Argus.Agency.Evidence.Custody;

internal static class CustodyMapping
{
    public static Proto.CustodyEvent ToProto(CustodyEvent e) => new()
    {
        Name = e.Name,
        Index = e.Index,
        Action = EnumMap<CustodyAction, Proto.CustodyAction>.Convert(e.Action),
        ClientId = e.ClientId,
        ActingClientId = e.ActingClientId,
        Agency = CommonMapping.ToProto(e.Agency),
        Officer = e.Officer,
        Time = CommonMapping.ToProto(e.Time),
        TimeZone = e.TimeZone,
        StorageLocation = e.StorageLocation,
        SealNumber = e.SealNumber,
        Authorisation = e.Authorisation,
        FromCustodian = e.FromCustodian,
        ToCustodian = e.ToCustodian,
        Purpose = e.Purpose,
        Tool = e.Tool,
        ToolVersion = e.ToolVersion,
        Result = e.Result,
        VerifiedSha256 = e.VerifiedSha256,
        Acknowledges = e.Acknowledges,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
    };

    /// <summary>Seals <paramref name="e"/> into the chain: its hash over its fields and the previous hash.</summary>
    public static void Seal(CustodyEvent e) => e.Hash = CustodyChain.HashOf(ToProto(e));
}

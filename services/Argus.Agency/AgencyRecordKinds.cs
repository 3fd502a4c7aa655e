using Argus.Agency.Arrests;
using Argus.Agency.Evidence;
using Argus.Agency.HouseSearches;
using Argus.Agency.Intercepts;
using Argus.Agency.Operations;
using Argus.Agency.Records;

namespace Argus.Agency;

/// <summary>
/// The kinds of record an agency service holds — the one list a new kind is added to (see the
/// checklist in this project's README). Order matters only for reading: operations first, then
/// what links to what.
/// </summary>
public static class AgencyRecordKinds
{
    public static readonly RecordKinds All = new([OperationKind.Instance, HouseSearchKind.Instance, ArrestKind.Instance, EvidenceKind.Instance, InterceptDatasetKind.Instance]);
}

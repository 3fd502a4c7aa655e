using System.Text;
using Argus.Agency.Arrests;
using Argus.Agency.Persistence;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Lookups;

/// <summary>
/// Which of this agency's records are about a subject: the arrests whose subject carries the
/// national identifier, the name and date of birth, or the phone number or messenger handle.
/// Identifier and birth date are matched in the database, handles by their key table
/// (<see cref="ArrestSubjectHandle"/>, indexed); names are compared here, which reads the
/// candidates of one birth date. A handle is also looked for in the records of
/// every kind that indexes handles (<see cref="RecordKind.RecordsWithHandleAsync"/>: intercept
/// datasets, from their message indexes).
/// </summary>
public sealed class SubjectMatcher(AgencyDbContext db, RecordKinds kinds, IServiceProvider services)
{
    public async Task<List<string>> ByNationalIdentifierAsync(string country, string value, CancellationToken cancellationToken) =>
        (await db.Set<Arrest>().AsNoTracking()
            .Where(a => a.Subject.NationalIdentifierCountry == country && a.Subject.NationalIdentifierValue == value)
            .Select(a => new { a.OperationId, a.Id })
            .ToListAsync(cancellationToken))
        .Select(a => Name(a.OperationId, a.Id))
        .ToList();

    public async Task<List<string>> ByNameAndBirthDateAsync(string givenNames, string familyName, DateOnly dateOfBirth, CancellationToken cancellationToken)
    {
        var candidates = await db.Set<Arrest>().AsNoTracking()
            .Where(a => a.Subject.DateOfBirth == dateOfBirth)
            .Select(a => new { a.OperationId, a.Id, a.Subject.GivenNames, a.Subject.FamilyName })
            .ToListAsync(cancellationToken);
        return candidates
            .Where(a => Fold(a.FamilyName) == Fold(familyName) && (givenNames.Length == 0 || Fold(a.GivenNames) == Fold(givenNames)))
            .Select(a => Name(a.OperationId, a.Id))
            .ToList();
    }

    public async Task<List<string>> ByHandleAsync(CommunicationIdentifier handle, CancellationToken cancellationToken)
    {
        var normalized = Handles.Normalize(handle.Value);
        var matches = (await db.Set<ArrestSubjectHandle>().AsNoTracking()
                .Where(h => h.Type == handle.Type && h.Handle == normalized)
                .Join(db.Set<Arrest>(), h => h.ArrestSequence, a => a.Sequence, (_, a) => new { a.OperationId, a.Id })
                .Distinct()
                .ToListAsync(cancellationToken))
            .Select(a => Name(a.OperationId, a.Id))
            .ToList();
        foreach (var kind in kinds.All)
        {
            matches.AddRange(await kind.RecordsWithHandleAsync(services, handle.Value, cancellationToken));
        }

        return matches;
    }

    /// <summary>"Müller" and "MULLER" are one name: case and accents do not count.</summary>
    private static string Fold(string name)
    {
        // Our own table: the services run with invariant globalization, where string.Normalize
        // does not decompose accented letters.
        var folded = new StringBuilder(name.Length);
        foreach (var c in name.Trim())
        {
            var upper = char.ToUpperInvariant(c);
            var accented = Accented.IndexOf(upper, StringComparison.Ordinal);
            folded.Append(accented >= 0 ? Plain[accented] : upper);
        }

        return folded.ToString();
    }

    private const string Accented = "ÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮŁÑŃŇÒÓÔÕÖØŌŐŘŚŠŞŤÙÚÛÜŪŮŰÝŸŹŻŽ";
    private const string Plain = "AAAAAAAAACCCDEEEEEEEEIIIIIILNNNOOOOOOOORSSSTUUUUUUUYYZZZ";

    private static string Name(string operationId, string id) => $"operations/{operationId}/{Arrest.Collection}/{id}";
}

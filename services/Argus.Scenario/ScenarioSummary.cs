namespace Argus.Scenario;

internal sealed record AgencyTotals(int Searches, int Arrests, int Firearms, int DrugSeizures, double DrugKilograms, int DrugLabs);

/// <summary>What each service holds at the end, as read back from it.</summary>
internal sealed class ScenarioSummary
{
    public AgencyTotals? Netherlands { get; set; }

    public AgencyTotals? Belgium { get; set; }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("Operation Argus, as each service reports it:");
        Console.WriteLine($"  {"",-12} {"searches",9} {"arrests",8} {"firearms",9} {"drug lots",10} {"drugs (kg)",11} {"drug labs",10}");
        Row("Netherlands", Netherlands);
        Row("Belgium", Belgium);
    }

    private static void Row(string agency, AgencyTotals? totals)
    {
        if (totals is null)
        {
            Console.WriteLine($"  {agency,-12} (not read)");
            return;
        }

        Console.WriteLine($"  {agency,-12} {totals.Searches,9} {totals.Arrests,8} {totals.Firearms,9} {totals.DrugSeizures,10} {totals.DrugKilograms,11:N1} {totals.DrugLabs,10}");
    }
}

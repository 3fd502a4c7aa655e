// What every feature of the agency service may use: its shared value types and mapping helpers.
global using Argus.Agency.Shared;

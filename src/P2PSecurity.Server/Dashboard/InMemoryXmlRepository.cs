using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// Data-protection keys (cookie and antiforgery) held in memory only: no key file in the home folder, and a restart
/// ends every dashboard session.
/// </summary>
internal sealed class InMemoryXmlRepository : IXmlRepository
{
    private readonly Lock _lock = new();
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_lock)
        {
            return [.. _elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_lock)
        {
            _elements.Add(new XElement(element));
        }
    }
}

using Xunit.Abstractions;
using Xunit.Sdk;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The place of a test in its class, for the rare class whose tests must run in order (one of them
/// ends what the others use). Tests without it run first, in xUnit's usual order.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OrderAttribute(int position) : Attribute
{
    public const string OrdererTypeName = "BazaarCstd.IntegrationTests.Infrastructure.OrderAttribute+Orderer";
    public const string OrdererAssemblyName = "BazaarCstd.IntegrationTests";

    public int Position { get; } = position;

    public sealed class Orderer : ITestCaseOrderer
    {
        public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
            where TTestCase : ITestCase =>
            testCases.OrderBy(c => c.TestMethod.Method.GetCustomAttributes(typeof(OrderAttribute).AssemblyQualifiedName)
                .Select(a => (int)a.GetConstructorArguments().Single()).FirstOrDefault());
    }
}

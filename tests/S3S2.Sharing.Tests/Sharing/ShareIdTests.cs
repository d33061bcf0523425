using S3S2.Sharing.Sharing;

namespace S3S2.Sharing.Tests.Sharing;

[TestFixture]
public sealed class ShareIdTests
{
    [Test]
    public void IsValid_NewIds_True()
    {
        for (var i = 0; i < 100; i++)
        {
            var id = ShareId.New(DateTimeOffset.UtcNow.AddDays(-i * 37).AddMilliseconds(i * 7));

            Assert.That(ShareId.IsValid(id), Is.True, id);
        }
    }

    [TestCase("20261130T172911423Z-6e66a4e8", true)]
    [TestCase("20261130T172911423Z-6E66A4E8", false)]
    [TestCase("20261130T172911423Z-6e66a4e", false)]
    [TestCase("20261130T172911423Z-6e66a4e8\n", false)]
    [TestCase("20261130T172911423Z-6e66a4g8", false)]
    [TestCase("20261130X172911423Z-6e66a4e8", false)]
    [TestCase("20261130T172911423Y-6e66a4e8", false)]
    [TestCase("20261130T172911423Z_6e66a4e8", false)]
    [TestCase("2026113aT172911423Z-6e66a4e8", false)]
    [TestCase("20261130T17291142\u0663Z-6e66a4e8", false)]
    [TestCase("../../etc/passwd", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void IsValid_Value_OnlyTheShareIdForm(string? value, bool expected) => Assert.That(ShareId.IsValid(value), Is.EqualTo(expected));
}

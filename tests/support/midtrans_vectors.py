"""Midtrans's published signature test vectors (midtrans.md §12), shared by the shop's and the sandbox's
tests: both sides must compute exactly what Midtrans computes."""

# (order_id, status_code, gross_amount, server key, SHA-512 signature_key)
SIGNATURE_VECTORS = [
    (
        "1111",
        "200",
        "100000.00",
        "askvnoibnosifnboseofinbofinfgbiufglnbfg",
        "edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231",
    ),
    (
        "aa11",
        "200",
        "1000.00",
        "my-key",
        "5e00499b23a8932e833238b2f65dd4dd3d10451708c7ec4d93da69e8e7a2bac4f7f97f9f35a986a7d100d7fc58034e12ad184e4d52ec92f1451aa354c2c86396",
    ),
    (
        "ORDER-sandbox-0001",
        "200",
        "150000.00",
        "SB-Mid-server-test",
        "d65b4adf15335095fe1bfafe24964d48009dcc2989393e13570b0c9852ea60df0040b1a9646b9c9ef9433317f77acc8e387c59998dc20f5bd93fff93d23672e4",
    ),
]

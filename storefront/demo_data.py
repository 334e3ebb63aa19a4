"""Long because it is data, not logic: the demo catalogue for development, screenshots and tests.

Pure data: this module imports nothing from the app, so seed commands and tests can load it
without an application context. Prices are whole rupiah (``int``), never floats. Product names
stay within 50 characters because Midtrans rejects longer ``item_details[].name`` values.
Exactly one product is sold out (stock 0) and two are low on stock (stock <= 3), so every
stock state of the catalogue can be seen without editing data; a shirt comes in sizes and a coffee in
three weights (variants, each with its own stock). Weights are shipping weights in
grams, packaging included.
"""

from typing import NotRequired, TypedDict


class DemoCategory(TypedDict):
    slug: str
    name: str


class DemoVariants(TypedDict):
    option: str
    # (value, own price or None, stock, own weight or None), as products.add_variants takes them.
    rows: list[tuple[str, int | None, int, int | None]]


class DemoProduct(TypedDict):
    slug: str
    name: str
    category: str  # a DemoCategory's slug
    price_idr: int
    weight_g: int
    stock: int
    image: str
    description: str
    variants: NotRequired[DemoVariants]


CATEGORIES: list[DemoCategory] = [
    {"slug": "kopi-teh", "name": "Kopi & Teh"},
    {"slug": "makanan-bumbu", "name": "Makanan & Bumbu"},
    {"slug": "camilan", "name": "Camilan"},
    {"slug": "kain-batik", "name": "Kain & Batik"},
    {"slug": "kerajinan", "name": "Kerajinan"},
    {"slug": "perawatan-diri", "name": "Perawatan Diri"},
]

PRODUCTS: list[DemoProduct] = [
    # --- Kopi & Teh ---------------------------------------------------------------------------
    {
        "slug": "kopi-gayo-arabika-250g",
        "name": "Kopi Gayo Arabika 250 g",
        "category": "kopi-teh",
        "price_idr": 85000,
        "weight_g": 300,
        "stock": 24,
        "image": "img/products/kopi-gayo-arabika-250g.svg",
        "description": (
            "Biji kopi arabika pilihan dari dataran tinggi Gayo, Aceh Tengah, yang ditanam di "
            "ketinggian 1.400 meter. Disangrai medium sehingga menghadirkan rasa cokelat, "
            "rempah, dan keasaman yang lembut. Kemasan 250 g berkatup satu arah, cocok untuk "
            "diseduh dengan V60, French press, maupun tubruk."
        ),
    },
    {
        # Sold by weight: three bags, each its own price, stock and shipping weight.
        "slug": "kopi-gayo-wine-process",
        "name": "Kopi Gayo Wine Process",
        "category": "kopi-teh",
        "price_idr": 85000,
        "weight_g": 300,
        "stock": 0,
        "image": "img/products/kopi-gayo-arabika-250g.svg",
        "description": (
            "Biji kopi arabika Gayo yang difermentasi lebih lama dalam buahnya, sehingga beraroma buah "
            "dan anggur dengan keasaman lembut. Sangrai medium, dikirim dalam bentuk biji utuh."
        ),
        "variants": {
            "option": "Berat",
            "rows": [("250 g", None, 20, None), ("500 g", 160000, 12, 560), ("1 kg", 290000, 5, 1100)],
        },
    },
    {
        "slug": "kopi-toraja-sapan-250g",
        "name": "Kopi Toraja Sapan 250 g",
        "category": "kopi-teh",
        "price_idr": 95000,
        "weight_g": 300,
        "stock": 18,
        "image": "img/products/kopi-toraja-sapan-250g.svg",
        "description": (
            "Kopi arabika dari lereng Gunung Sapan, Tana Toraja, Sulawesi Selatan. Bertubuh "
            "tebal dengan rasa karamel, kayu manis, dan sedikit rempah tanah. Tersedia dalam "
            "bentuk biji utuh 250 g, nikmat untuk espresso maupun kopi susu."
        ),
    },
    {
        "slug": "teh-melati-tegal-100g",
        "name": "Teh Melati Tegal 100 g",
        "category": "kopi-teh",
        "price_idr": 22000,
        "weight_g": 150,
        "stock": 40,
        "image": "img/products/teh-melati-tegal-100g.svg",
        "description": (
            "Teh hijau tubruk khas Tegal yang diharumkan dengan bunga melati segar. Aromanya "
            "wangi dan rasanya sepet-manis, pas disajikan panas dengan gula batu. Satu bungkus "
            "100 g cukup untuk sekitar 50 cangkir."
        ),
    },
    # --- Makanan & Bumbu ----------------------------------------------------------------------
    {
        "slug": "gula-aren-cair-500ml",
        "name": "Gula Aren Cair 500 ml",
        "category": "makanan-bumbu",
        "price_idr": 45000,
        "weight_g": 650,
        "stock": 30,
        "image": "img/products/gula-aren-cair-500ml.svg",
        "description": (
            "Gula aren cair murni dari nira pohon aren di Banten, dimasak perlahan tanpa "
            "pengawet. Rasanya manis legit dengan aroma karamel yang khas. Botol 500 ml ini "
            "pas untuk kopi susu, es cendol, kolak, atau pengganti gula pasir."
        ),
    },
    {
        "slug": "sambal-bawang-pedas-200g",
        "name": "Sambal Bawang Pedas 200 g",
        "category": "makanan-bumbu",
        "price_idr": 35000,
        "weight_g": 300,
        "stock": 36,
        "image": "img/products/sambal-bawang-pedas-200g.svg",
        "description": (
            "Sambal bawang rumahan dari cabai rawit, bawang putih, dan minyak kelapa, digoreng "
            "hingga harum. Pedasnya nendang namun tetap gurih. Kemasan toples kaca 200 g, "
            "tahan hingga tiga bulan dan cocok untuk nasi hangat, mi, atau gorengan."
        ),
    },
    {
        "slug": "rendang-daging-kemasan-250g",
        "name": "Rendang Daging Sapi Kemasan 250 g",
        "category": "makanan-bumbu",
        "price_idr": 125000,
        "weight_g": 350,
        "stock": 2,
        "image": "img/products/rendang-daging-kemasan-250g.svg",
        "description": (
            "Rendang daging sapi khas Padang yang dimasak lebih dari enam jam dengan santan dan "
            "rempah hingga kering dan meresap. Dikemas vakum 250 g sehingga awet hingga enam "
            "bulan tanpa pengawet. Tinggal dihangatkan, cocok untuk bekal perjalanan atau oleh-oleh."
        ),
    },
    {
        "slug": "madu-hutan-sumbawa-500g",
        "name": "Madu Hutan Sumbawa 500 g",
        "category": "makanan-bumbu",
        "price_idr": 150000,
        "weight_g": 650,
        "stock": 12,
        "image": "img/products/madu-hutan-sumbawa-500g.svg",
        "description": (
            "Madu liar dari lebah hutan Apis dorsata di pedalaman Pulau Sumbawa, Nusa Tenggara "
            "Barat. Dipanen secara lestari oleh petani madu setempat dan hanya disaring tanpa "
            "pemanasan. Rasanya manis dengan sedikit asam yang segar; isi 500 g."
        ),
    },
    {
        "slug": "vanili-bourbon-papua-10-batang",
        "name": "Vanili Bourbon Papua 10 Batang",
        "category": "makanan-bumbu",
        "price_idr": 175000,
        "weight_g": 100,
        "stock": 3,
        "image": "img/products/vanili-bourbon-papua-10-batang.svg",
        "description": (
            "Polong vanili planifolia grade A dari Papua, dikeringkan secara tradisional hingga "
            "lentur, berminyak, dan sangat harum. Setiap batang sepanjang 15–17 cm. Sempurna "
            "untuk kue, es krim, puding, dan minuman."
        ),
    },
    # --- Camilan ------------------------------------------------------------------------------
    {
        "slug": "keripik-tempe-malang-250g",
        "name": "Keripik Tempe Malang 250 g",
        "category": "camilan",
        "price_idr": 28000,
        "weight_g": 300,
        "stock": 35,
        "image": "img/products/keripik-tempe-malang-250g.svg",
        "description": (
            "Keripik tempe tipis khas Malang, dibalut tepung berbumbu bawang dan daun jeruk lalu "
            "digoreng hingga renyah. Gurih, tidak berminyak, dan pas untuk teman makan atau "
            "camilan santai. Kemasan ziplock 250 g."
        ),
    },
    {
        "slug": "dodol-garut-aneka-rasa-500g",
        "name": "Dodol Garut Aneka Rasa 500 g",
        "category": "camilan",
        "price_idr": 40000,
        "weight_g": 550,
        "stock": 20,
        "image": "img/products/dodol-garut-aneka-rasa-500g.svg",
        "description": (
            "Dodol legit khas Garut dari ketan, gula aren, dan santan, dibungkus satu per satu "
            "dengan kertas minyak. Berisi campuran rasa original, durian, wijen, dan sirsak. "
            "Kemasan besek bambu 500 g, cocok untuk oleh-oleh keluarga."
        ),
    },
    {
        "slug": "kerupuk-udang-sidoarjo-500g",
        "name": "Kerupuk Udang Sidoarjo 500 g",
        "category": "camilan",
        "price_idr": 65000,
        "weight_g": 550,
        "stock": 27,
        "image": "img/products/kerupuk-udang-sidoarjo-500g.svg",
        "description": (
            "Kerupuk udang mentah khas Sidoarjo dengan kandungan udang segar yang terasa. "
            "Mengembang besar, renyah, dan gurih setelah digoreng. Isi 500 g, cukup untuk "
            "menemani makan keluarga selama berminggu-minggu."
        ),
    },
    {
        "slug": "emping-melinjo-pandeglang-250g",
        "name": "Emping Melinjo Pandeglang 250 g",
        "category": "camilan",
        "price_idr": 55000,
        "weight_g": 300,
        "stock": 15,
        "image": "img/products/emping-melinjo-pandeglang-250g.svg",
        "description": (
            "Emping melinjo tipis buatan tangan dari Pandeglang, Banten. Biji melinjo dipipihkan "
            "satu per satu sehingga hasil gorengnya renyah dengan rasa gurih yang sedikit pahit. "
            "Isi 250 g, nikmat sebagai pelengkap soto, gado-gado, atau camilan."
        ),
    },
    # --- Kain & Batik -------------------------------------------------------------------------
    {
        "slug": "batik-tulis-pekalongan-jlamprang",
        "name": "Batik Tulis Pekalongan Motif Jlamprang",
        "category": "kain-batik",
        "price_idr": 850000,
        "weight_g": 400,
        "stock": 7,
        "image": "img/products/batik-tulis-pekalongan-jlamprang.svg",
        "description": (
            "Kain batik tulis katun primisima dengan motif jlamprang khas Pekalongan yang "
            "geometris dan berwarna cerah. Dikerjakan dengan canting oleh pembatik selama "
            "sekitar tiga minggu. Ukuran 2 × 1,15 m, cocok dijahit menjadi kemeja atau dipakai sebagai jarik."
        ),
    },
    {
        # Sold by size: each size its own stock; XL costs more (more cloth). The product's own stock
        # is its implicit variant's, which goes off sale when the sizes are made.
        "slug": "kemeja-batik-parang-solo",
        "name": "Kemeja Batik Parang Solo",
        "category": "kain-batik",
        "price_idr": 325000,
        "weight_g": 350,
        "stock": 0,
        "image": "img/products/batik-tulis-pekalongan-jlamprang.svg",
        "description": (
            "Kemeja batik cap motif parang dari Solo, katun halus yang adem dipakai seharian. "
            "Lengan pendek, potongan reguler. Pilih ukuran: lebar dada S 50 cm, M 53 cm, L 56 cm, XL 59 cm."
        ),
        # (value, own price or None for the product's, stock, own weight in grams or None)
        "variants": {
            "option": "Ukuran",
            "rows": [("S", None, 6, None), ("M", None, 9, None), ("L", None, 4, None), ("XL", 345000, 2, 380)],
        },
    },
    {
        "slug": "kain-tenun-ikat-sumba",
        "name": "Kain Tenun Ikat Sumba Timur",
        "category": "kain-batik",
        "price_idr": 1250000,
        "weight_g": 700,
        "stock": 0,
        "image": "img/products/kain-tenun-ikat-sumba.svg",
        "description": (
            "Kain tenun ikat hinggi dari Sumba Timur dengan motif kuda dan udang, diwarnai "
            "pewarna alami akar mengkudu dan nila. Ditenun dengan alat tenun gedogan selama "
            "berbulan-bulan. Ukuran sekitar 2,2 × 1 m, indah sebagai selendang atau hiasan dinding."
        ),
    },
    {
        "slug": "songket-palembang-benang-emas",
        "name": "Songket Palembang Benang Emas",
        "category": "kain-batik",
        "price_idr": 975000,
        "weight_g": 450,
        "stock": 6,
        "image": "img/products/songket-palembang-benang-emas.svg",
        "description": (
            "Kain songket tradisional Palembang berwarna merah marun dengan motif bunga tabur "
            "dari benang emas. Ditenun tangan oleh perajin di kawasan Tangga Buntung. Ukuran "
            "2 × 0,9 m, anggun untuk acara pernikahan dan hari raya."
        ),
    },
    # --- Kerajinan ----------------------------------------------------------------------------
    {
        "slug": "tas-anyaman-rotan-bulat",
        "name": "Tas Anyaman Rotan Bulat Bali",
        "category": "kerajinan",
        "price_idr": 185000,
        "weight_g": 600,
        "stock": 14,
        "image": "img/products/tas-anyaman-rotan-bulat.svg",
        "description": (
            "Tas selempang bulat dari rotan ate yang dianyam rapat oleh perajin Tenganan, Bali. "
            "Diameter 20 cm dengan tali kulit sintetis dan lapisan dalam kain batik. Ringan, "
            "kuat, dan cantik untuk jalan-jalan maupun ke pantai."
        ),
    },
    {
        "slug": "wayang-kulit-mini-arjuna",
        "name": "Wayang Kulit Mini Arjuna",
        "category": "kerajinan",
        "price_idr": 120000,
        "weight_g": 250,
        "stock": 9,
        "image": "img/products/wayang-kulit-mini-arjuna.svg",
        "description": (
            "Wayang kulit mini tokoh Arjuna dari kulit kerbau yang ditatah dan disungging tangan "
            "oleh perajin Manding, Bantul. Tinggi sekitar 30 cm lengkap dengan gagang tanduk. "
            "Cantik sebagai hiasan dinding atau cendera mata khas Jawa."
        ),
    },
    {
        "slug": "cobek-ulekan-batu-merapi",
        "name": "Cobek & Ulekan Batu Merapi 20 cm",
        "category": "kerajinan",
        "price_idr": 75000,
        "weight_g": 3500,
        "stock": 11,
        "image": "img/products/cobek-ulekan-batu-merapi.svg",
        "description": (
            "Cobek dan ulekan dari batu andesit lereng Gunung Merapi, dipahat tangan oleh "
            "perajin Muntilan. Diameter 20 cm, permukaannya kasar sehingga bumbu cepat halus. "
            "Cocok untuk membuat sambal, bumbu pecel, dan ulekan rempah sehari-hari."
        ),
    },
    # --- Perawatan Diri -----------------------------------------------------------------------
    {
        "slug": "sabun-sereh-wangi-100g",
        "name": "Sabun Sereh Wangi Alami 100 g",
        "category": "perawatan-diri",
        "price_idr": 18000,
        "weight_g": 150,
        "stock": 38,
        "image": "img/products/sabun-sereh-wangi-100g.svg",
        "description": (
            "Sabun batang cold process dari minyak kelapa dan minyak atsiri sereh wangi asli "
            "Garut. Membersihkan dengan lembut dan meninggalkan aroma segar yang menenangkan. "
            "Berat 100 g, tanpa deterjen SLS dan pewarna buatan."
        ),
    },
    {
        "slug": "minyak-kayu-putih-buru-60ml",
        "name": "Minyak Kayu Putih Pulau Buru 60 ml",
        "category": "perawatan-diri",
        "price_idr": 42000,
        "weight_g": 120,
        "stock": 26,
        "image": "img/products/minyak-kayu-putih-buru-60ml.svg",
        "description": (
            "Minyak kayu putih murni hasil suling daun kayu putih dari Pulau Buru, Maluku. "
            "Hangatnya pas untuk meredakan perut kembung, pegal, dan gigitan serangga. Botol "
            "60 ml, aman untuk seluruh keluarga termasuk si kecil."
        ),
    },
    {
        "slug": "lulur-rempah-jawa-200g",
        "name": "Lulur Mandi Rempah Jawa 200 g",
        "category": "perawatan-diri",
        "price_idr": 38000,
        "weight_g": 250,
        "stock": 22,
        "image": "img/products/lulur-rempah-jawa-200g.svg",
        "description": (
            "Lulur tradisional ala keraton Jawa dari beras, kunyit, temu giring, dan kemuning. "
            "Mengangkat sel kulit mati dan membuat kulit terasa halus serta harum. Toples "
            "200 g, gunakan dua sampai tiga kali seminggu."
        ),
    },
]


# Courier services and their price per kilogram by destination province, for `flask seed` (demo only:
# a merchant sets real prices in the back office). Java, Bali and Sumatra are cheaper from a Java origin.
SHIPPING_SERVICES = [
    {
        "code": "jne-reg",
        "courier": "JNE",
        "service": "REG",
        "etd_min_days": 2,
        "etd_max_days": 3,
        "near": 20000,
        "far": 45000,
    },
    {
        "code": "jnt-ez",
        "courier": "J&T",
        "service": "EZ",
        "etd_min_days": 2,
        "etd_max_days": 4,
        "near": 18000,
        "far": 42000,
    },
    {
        "code": "sicepat-reg",
        "courier": "SiCepat",
        "service": "REG",
        "etd_min_days": 1,
        "etd_max_days": 3,
        "near": 19000,
        "far": 43000,
    },
    {
        "code": "anteraja-reg",
        "courier": "AnterAja",
        "service": "REG",
        "etd_min_days": 2,
        "etd_max_days": 4,
        "near": 17000,
        "far": 40000,
    },
    {
        "code": "pos-kilat",
        "courier": "Pos Indonesia",
        "service": "Kilat",
        "etd_min_days": 3,
        "etd_max_days": 5,
        "near": 15000,
        "far": 35000,
    },
]
# Province codes (Kemendagri) priced "near": Sumatra, Java, Bali.
NEAR_PROVINCES = ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51"]
SHIPPING_ORIGIN = {"city_code": "34.71", "postal_code": "55213"}  # Kota Yogyakarta
FREE_SHIPPING_MIN_IDR = 500000

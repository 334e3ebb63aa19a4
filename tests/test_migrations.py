"""The committed Alembic migrations build exactly the schema the models describe, on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db


def test_migrations_upgrade_to_the_models_schema_and_back(app, db_kind):
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    # Leave the schema as the other tests expect it.
    db.create_all()
    if db_kind == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


# The revision before orders got payment_status and fulfilment_status.
BEFORE_STATES = "c3d5f7a9b1e2"


def _legacy_order(connection, order_id, status):
    connection.execute(
        text(
            "INSERT INTO orders (id, reference, access_token, customer_name, email, phone, address, city,"
            " postal_code, locale, status, subtotal_idr, shipping_idr, total_idr, stock_reserved, reserved_until,"
            " attempt_count, status_version, created_at, updated_at) VALUES (:id, :ref, :token, 'Siti',"
            " 'siti@example.id', '+6281234567890', 'Jl. Merdeka 1', 'Bandung', '40111', 'id', :status, 100000,"
            " 10000, 110000, false, '2026-11-30 10:00:00', 1, 1, '2026-11-30 09:00:00', '2026-11-30 09:00:00')"
        ),
        {"id": order_id, "ref": f"SF-MIG{order_id}", "token": f"token-{order_id}", "status": status},
    )


def test_the_state_migration_keeps_payment_states_and_ships_orders_that_have_a_shipment(app, db_kind):
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(revision=BEFORE_STATES)
    with db.engine.begin() as connection:
        _legacy_order(connection, 1, "paid")
        _legacy_order(connection, 2, "partially_refunded")
        _legacy_order(connection, 3, "awaiting_payment")
        connection.execute(
            text(
                "INSERT INTO shipments (order_id, carrier, tracking_number, shipped_at)"
                " VALUES (1, 'JNE REG', 'JN123', '2026-11-30 12:00:00')"
            )
        )
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, payment_status, fulfilment_status FROM orders ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [
        (1, "paid", "shipped"),
        (2, "partially_refunded", "unfulfilled"),
        (3, "awaiting_payment", "unfulfilled"),
    ]
    # The CHECK constraint refuses a code that is no state.
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(text("UPDATE orders SET fulfilment_status = 'lost' WHERE id = 3"))
    downgrade(revision=BEFORE_STATES)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM orders WHERE id = 2")).scalar_one() == "partially_refunded"
    downgrade(revision="base")
    db.create_all()
    if db_kind == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))

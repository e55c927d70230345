"""Extension objects, created unbound here and bound in create_app()."""

from typing import TYPE_CHECKING, ClassVar

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic batch migrations on SQLite can alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A commit does not expire what the session has loaded: a page rendered after its
# service commits reads the objects it already holds instead of reloading each one.
# A service whose bulk UPDATE/DELETE or server-side value makes a loaded object stale
# refreshes that object itself.
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING), session_options={"expire_on_commit": False})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()

if TYPE_CHECKING:

    class Model(DeclarativeBase):
        """What mypy sees of ``db.Model`` (it cannot subclass an instance attribute).

        Every model sets ``__tablename__``, so each one is mapped to a Table.
        """

        __table__: ClassVar[Table]
else:
    Model = db.Model

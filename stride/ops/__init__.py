"""Operations on a whole clinic: backups, restores and the move to PostgreSQL."""

//! khabar's scale-out store on PostgreSQL + pgvector.
#![deny(missing_docs)]

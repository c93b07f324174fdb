-- Every raw source with its publisher, licence, vintage and the rows it brought into the database.
-- params: none
-- columns: cle, fichier, titre, editeur, licence, millesime, lignes, present
select cle, fichier, titre, editeur, licence, millesime, lignes, present
from source
order by cle
